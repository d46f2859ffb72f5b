// The npm `openai` package (a client nobody here wrote) against the gateway: only baseURL and apiKey change.
// Usage: node client.mjs <baseURL> <apiKey> <model>; prints one JSON object with what the client saw.
import OpenAI from "openai";

const [baseURL, apiKey, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });

const completion = await client.chat.completions.create({
  model,
  messages: [{ role: "user", content: "Hello from npm" }],
  temperature: 0.1,
});

const stream = await client.chat.completions.create({
  model,
  messages: [{ role: "user", content: "Stream from npm" }],
  stream: true,
  stream_options: { include_usage: true },
});
let streamed = "";
let usage = null;
let finish = null;
for await (const chunk of stream) {
  for (const choice of chunk.choices) {
    streamed += choice.delta?.content ?? "";
    finish = choice.finish_reason ?? finish;
  }
  usage = chunk.usage ?? usage;
}

const tools = await client.chat.completions.create({
  model,
  messages: [{ role: "user", content: "Call the tool" }],
  tools: [{ type: "function", function: { name: "lookup", parameters: { type: "object", properties: { q: { type: "string" } } } } }],
});

let refused = null;
try {
  await new OpenAI({ baseURL, apiKey: "tlr_wrong", maxRetries: 0 }).chat.completions.create({ model, messages: [{ role: "user", content: "x" }] });
} catch (e) {
  refused = { status: e.status, code: e.code ?? e.error?.code ?? null };
}

const models = [];
for await (const m of client.models.list()) models.push(m.id);

console.log(JSON.stringify({
  text: completion.choices[0].message.content,
  id: completion.id,
  streamed,
  finish,
  usage,
  toolCall: tools.choices[0].message.tool_calls?.[0]?.function ?? null,
  refused,
  models,
}));
