// Side-by-side peer for near-duplicate detection: npm `minhash` 0.0.9 (MinHash + LSH in JavaScript)
// on the same JSONL file Tailor's data-scale run uses, with the same settings: 5-word shingles,
// 128 permutations, LSH bands of 8 rows. Single thread (Node). Prints docs/s.
// Usage: node data-minhash-peer.cjs <file.jsonl> <max-docs>
'use strict';
const fs = require('fs');
const readline = require('readline');
const path = require('path');
const { Minhash, LshIndex } = require(path.join(__dirname, '..', '.peers', 'minhash', 'node_modules', 'minhash'));

async function main() {
  const [file, maxText] = process.argv.slice(2);
  const max = Number(maxText || 20000);
  const index = new LshIndex({ bandSize: 8 });
  const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  let docs = 0, bytes = 0, candidates = 0;
  const start = process.hrtime.bigint();
  for await (const line of lines) {
    if (docs >= max) break;
    bytes += Buffer.byteLength(line) + 1;
    const example = JSON.parse(line);
    const text = example.messages.filter(m => m.role !== 'system').map(m => m.content).join(' ');
    const words = text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(w => w.length > 0);
    const m = new Minhash({ numPerm: 128 });
    if (words.length < 5) {
      m.update(words.join(' '));
    } else {
      for (let i = 0; i + 5 <= words.length; i++) m.update(words.slice(i, i + 5).join(' '));
    }
    const key = String(docs);
    index.insert(key, m);
    candidates += index.query(m).length - 1;
    docs++;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`npm minhash 0.0.9 (node ${process.version}, 1 thread): ${docs} docs in ${seconds.toFixed(1)} s = ${Math.round(docs / seconds)} docs/s, ${(bytes / 1e6 / seconds).toFixed(1)} MB/s; ${candidates} candidate pairs`);
}

main();
