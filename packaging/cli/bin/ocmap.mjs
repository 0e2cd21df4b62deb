#!/usr/bin/env node
import { main } from "../dist/ocmap.mjs";

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`ocmap: internal error: ${err?.message ?? err}\n`);
    process.exit(1);
  },
);
