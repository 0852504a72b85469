#!/usr/bin/env node
import { runCliAsync } from './run';
import { shouldColour } from '../report';

// A reader that stops early (`glue-netplan ... | head`) closes the pipe: the rest of the report
// has nowhere to go, which is not an error of the plan. Stop writing, quietly, and exit with the
// plan's code (set below before the error event arrives).
let stdoutClosed = false;
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') {
    stdoutClosed = true;
    return;
  }
  process.stderr.write(`glue-netplan: cannot write to standard output (${e.code ?? e.message})\n`);
  process.exitCode = 2;
});

void runCliAsync(process.argv.slice(2), {
  stdout: (text) => {
    if (!stdoutClosed) process.stdout.write(text);
  },
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  colour: shouldColour(process.stdout, process.env),
}).then((code) => { process.exitCode = code; });
