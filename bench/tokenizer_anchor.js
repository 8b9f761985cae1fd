// HF's speed anchor for bench/tokenizer_families.sh: tokens/s of HuggingFace's `tokenizers`
// (npm package tokenizers 0.23.2, the Node binding of the Rust crate) over the AG News test rows
// (title + " " + description, backslashes as spaces), special tokens included, no truncation.
// usage: RAYON_NUM_THREADS=1 node tokenizer_anchor.js TOKENIZER_JSON AGNEWS_CSV MODE(batch|encode) RUNS
// Prints one JSON line: every run's tokens/s and their median, after a warm-up.
'use strict';
const fs = require('fs');
const { parse } = require('csv-parse/sync');
const { Tokenizer } = require('tokenizers');
const [tokenizerJson, csv, mode, runsArg] = process.argv.slice(2);
const rows = parse(fs.readFileSync(csv, 'utf8'));
const texts = rows.map(r => (r[1] + ' ' + r[2]).replace(/\\/g, ' '));
const tok = Tokenizer.fromFile(tokenizerJson);
tok.disableTruncation();
tok.disablePadding();
(async () => {
  for (let i = 0; i < 200; i++) await tok.encode(texts[i], null, { addSpecialTokens: true });
  const rates = [];
  let tokens = 0;
  for (let r = 0; r < Number(runsArg || 5); r++) {
    tokens = 0;
    const t0 = process.hrtime.bigint();
    if (mode === 'batch') {
      for (const e of await tok.encodeBatch(texts, { addSpecialTokens: true })) tokens += e.getIds().length;
    } else {
      for (const t of texts) tokens += (await tok.encode(t, null, { addSpecialTokens: true })).getIds().length;
    }
    rates.push(tokens / (Number(process.hrtime.bigint() - t0) / 1e9));
  }
  const sorted = [...rates].sort((a, b) => a - b);
  console.log(JSON.stringify({ mode, tokens, runs: rates.map(Math.round), median_tokens_per_s: Math.round(sorted[Math.floor(sorted.length / 2)]) }));
})();
