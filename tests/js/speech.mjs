// The openai npm package (6.x) against MirrorGate's /v1/audio/speech. Run by the xunit test
// MirrorGate.Tests.Speech.SpeechTests: node speech.mjs <base-url ending in /v1> <api key>.
// Asks for speech in every format and prints one JSON line per format: the bytes' first four
// as hex, the content type, and the simulator's readable line; any failure exits non-zero.
import OpenAI from 'openai';

const [baseURL, apiKey] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 30_000 });

const seen = {};
for (const format of ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm']) {
  const response = await client.audio.speech.create({
    model: 'tts-1',
    voice: 'nova',
    input: `Read this in ${format}`,
    response_format: format,
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  seen[format] = {
    head: bytes.subarray(0, 4).toString('hex'),
    contentType: response.headers.get('content-type'),
    text: bytes.toString('latin1').split('\n').slice(1).join('\n'),
  };
}

console.log(JSON.stringify(seen));
