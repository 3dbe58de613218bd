// The openai npm package (6.x) against a MirrorGate gateway's channels. Run by the xunit test
// MirrorGate.Tests.Channels.NodeOpenAiTests: node channels.mjs <base-url ending in /v1> <api key> <model>.
// Prints one JSON line with what it saw; any failure exits non-zero with the error on stderr.
import OpenAI from 'openai';

const [baseURL, apiKey, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 30_000 });

const whole = await client.chat.completions.create({
  model,
  messages: [{ role: 'user', content: 'Say this is a test' }],
});

let streamed = '';
let chunks = 0;
let usageChunks = 0;
const stream = await client.chat.completions.create({
  model,
  messages: [{ role: 'user', content: 'Stream this is a test' }],
  stream: true,
});
for await (const chunk of stream) {
  chunks++;
  if (chunk.usage) usageChunks++;
  streamed += chunk.choices[0]?.delta?.content ?? '';
}

let withUsage = null;
const counted = await client.chat.completions.create({
  model,
  messages: [{ role: 'user', content: 'Count this' }],
  stream: true,
  stream_options: { include_usage: true },
});
for await (const chunk of counted) {
  if (chunk.usage) withUsage = chunk.usage;
}

const models = await client.models.list();

console.log(JSON.stringify({
  whole: whole.choices[0].message.content,
  wholeUsage: whole.usage,
  streamed,
  chunks,
  usageChunks,
  withUsage,
  models: models.data.map((m) => m.id),
}));
