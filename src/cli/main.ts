#!/usr/bin/env node
import { runCli } from './run';
import { shouldColour } from '../report';

process.exitCode = runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  colour: shouldColour(process.stdout, process.env),
});
