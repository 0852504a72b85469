#!/usr/bin/env node
import { runCliAsync } from './run';
import { shouldColour } from '../report';

void runCliAsync(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  colour: shouldColour(process.stdout, process.env),
}).then((code) => { process.exitCode = code; });
