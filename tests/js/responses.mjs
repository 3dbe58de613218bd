// The openai npm package (6.x) against MirrorGate's /v1/responses on the ChatGPT web path. Run by the xunit test
// MirrorGate.Tests.Responses.ResponsesNodeTests: node responses.mjs <base-url ending in /v1> <api key> <model>.
// Prints one JSON line with what it saw; any failure exits non-zero with the error on stderr.
import OpenAI from 'openai';

const [baseURL, apiKey, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 30_000 });

const whole = await client.responses.create({
  model,
  instructions: 'Be brief.',
  input: 'Node whole response',
});

const events = [];
let streamed = '';
let completedId = null;
const stream = await client.responses.create({
  model,
  input: [{ role: 'user', content: [{ type: 'input_text', text: 'Node streamed response' }] }],
  previous_response_id: whole.id,
  stream: true,
});
for await (const event of stream) {
  events.push(event.type);
  if (event.type === 'response.output_text.delta') streamed += event.delta;
  if (event.type === 'response.completed') completedId = event.response.id;
}

const retrieved = await client.responses.retrieve(completedId);

let missingStatus = null;
try {
  await client.responses.retrieve('resp_bm90LWEtcmVhbC1vbmU');
} catch (error) {
  missingStatus = error.status;
}

console.log(JSON.stringify({
  whole: whole.output_text,
  wholeId: whole.id,
  wholeUsage: whole.usage,
  streamed,
  events: [...new Set(events)],
  retrieved: retrieved.output_text,
  missingStatus,
}));
