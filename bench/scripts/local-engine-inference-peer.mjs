// The node-llama-cpp half of bench/scripts/local-engine-inference.sh: the same GGUF, the same prompt tokens (written by
// `Tailor.Bench inference-models`), the same context size, batch size (512), thread count and greedy decoding as the
// Tailor half, one warm-up reply and --runs measured ones, one JSON line out (same fields as Tailor's).
// node-llama-cpp's lowest-overhead path is used: LlamaContextSequence.evaluate on the token ids (no chat wrapper, no
// tokenization), with each token detokenized to text as it arrives (what a streaming consumer needs, and what
// LocalChatClient does).
// usage: node local-engine-inference-peer.mjs --model FILE --prompt DIR [--threads 1] [--tokens 128] [--ctx 512] [--runs 3]
import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { getLlama, LlamaLogLevel } from "node-llama-cpp";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
};
const modelPath = arg("--model");
const promptDir = arg("--prompt", dirname(modelPath));
const threads = Number(arg("--threads", "1"));
const tokens = Number(arg("--tokens", "128"));
const contextSize = Number(arg("--ctx", "512"));
const runs = Number(arg("--runs", "3"));
const flashAttention = arg("--flash-attention", "true") === "true";
const prompt = JSON.parse(readFileSync(join(promptDir, "prompt-tokens.json"), "utf8"));

let t = performance.now();
// build "never": the prebuilt CPU binary from npm or nothing (no download, no compile); maxThreads 0: use exactly `threads`.
const llama = await getLlama({ gpu: false, build: "never", maxThreads: 0, logLevel: LlamaLogLevel.error });
const initMs = performance.now() - t;
t = performance.now();
const model = await llama.loadModel({ modelPath, gpuLayers: 0, useMmap: true });
const loadMs = performance.now() - t;
const context = await model.createContext({ contextSize, batchSize: 512, threads, sequences: 1, flashAttention });

const results = [];
let reply = null;
for (let run = 0; run <= runs; run++) {
  const sequence = context.getSequence();
  let generated = 0, first = 0, last = 0, text = "";
  const start = performance.now();
  for await (const token of sequence.evaluate(prompt, { temperature: 0 })) {
    text += model.detokenize([token]);
    const now = performance.now() - start;
    if (++generated === 1) first = now;
    last = now;
    if (generated >= tokens) break;
  }
  sequence.dispose();
  if (generated !== tokens) throw new Error(`generated ${generated} tokens, expected ${tokens}`);
  if (reply !== null && text !== reply) throw new Error("greedy decoding gave two different replies");
  reply = text;
  if (run > 0) results.push({ first, last });
}

console.log(JSON.stringify({
  engine: "node-llama-cpp",
  model: basename(modelPath),
  threads,
  promptTokens: prompt.length,
  tokens,
  initMs,
  loadMs,
  ttftMs: results.map((r) => r.first),
  ppTps: results.map((r) => prompt.length / (r.first / 1000)),
  tgTps: results.map((r) => ((tokens - 1) / (r.last - r.first)) * 1000),
  totalMs: results.map((r) => r.last),
  build: `llama.cpp ${llama.llamaCppRelease.release} (${llama.llamaCppRelease.repo}), ${llama.gpu || "cpu"}, flash attention ${context.flashAttention}, threads ${context.currentThreads}; ${llama.systemInfo}`,
  replyStart: reply.slice(0, 40),
}));
await context.dispose();
await model.dispose();
await llama.dispose();
