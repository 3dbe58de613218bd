// The openai npm package (6.x) against MirrorGate's /v1/files and /v1/images/generations on the ChatGPT web path. Run by
// the xunit tests MirrorGate.Tests.Files: node files-images.mjs <base-url ending in /v1> <api key>.
// Prints one JSON line with what it saw; any failure exits non-zero with the error on stderr.
import OpenAI, { toFile } from 'openai';

const [baseURL, apiKey] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 30_000 });

const file = await client.files.create({ file: await toFile(Buffer.from('node contents'), 'node.txt'), purpose: 'assistants' });

const chat = await client.chat.completions.create({
  model: 'auto',
  messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: file.id } }, { type: 'text', text: 'What is in node.txt?' }] }],
});

const response = await client.responses.create({
  model: 'auto',
  input: [{ role: 'user', content: [{ type: 'input_file', file_id: file.id }, { type: 'input_text', text: 'And in responses?' }] }],
});

const b64 = await client.images.generate({ model: 'gpt-image-1', prompt: 'A node cat', response_format: 'b64_json' });
const url = await client.images.generate({ model: 'gpt-image-1', prompt: 'A node dog', response_format: 'url', size: '1024x1024' });
const fetched = await fetch(url.data[0].url);
const bytes = Buffer.from(await fetched.arrayBuffer());

const free = new OpenAI({ baseURL, apiKey: `${apiKey} ${crypto.randomUUID()}`, maxRetries: 0, timeout: 30_000 });
let freeStatus = null;
try {
  await free.images.generate({ model: 'gpt-image-1', prompt: 'free' });
} catch (error) {
  freeStatus = error.status;
}

console.log(JSON.stringify({
  file: { id: file.id, filename: file.filename, bytes: file.bytes },
  chat: chat.choices[0].message.content,
  response: response.output_text,
  b64: b64.data[0].b64_json,
  urlType: fetched.headers.get('content-type'),
  urlHex: bytes.toString('hex'),
  freeStatus,
}));
