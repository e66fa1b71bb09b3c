// package.json's Marketplace and contribution points: what vsce does not check and the editor only shows when
// it is wrong. The icon is a 128x128 PNG; every walkthrough step completes on an event and its media ships in
// the .vsix; every command a menu names is declared; Simulate / Debug in the editor only where they apply.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/loadCore.mjs';

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
const ignore = readFileSync(path.join(repoRoot, '.vscodeignore'), 'utf8').split('\n').filter((l) => l.startsWith('!'));

test('Marketplace fields: a 128x128 PNG icon, banner, repository, bugs, homepage', () => {
  const png = readFileSync(path.join(repoRoot, pkg.icon));
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
  assert.match(pkg.galleryBanner.color, /^#[0-9a-f]{6}$/i);
  for (const k of ['homepage', 'bugs', 'repository']) assert.match(JSON.stringify(pkg[k]), /https:\/\/github\.com\//, k);
  assert.ok(existsSync(path.join(repoRoot, 'CHANGELOG.md')));
});

test('walkthrough: every step completes on an event and its media exists, small, inside the .vsix', () => {
  const [walkthrough] = pkg.contributes.walkthroughs;
  assert.equal(walkthrough.title, 'Get started with Freshsales DevTools');
  assert.equal(walkthrough.steps.length, 5);
  for (const step of walkthrough.steps) {
    assert.ok(step.completionEvents.length > 0, step.id);
    for (const ev of step.completionEvents) assert.match(ev, /^(onCommand|onContext|onView):\S+$/, ev);
    const media = step.media.image ?? step.media.markdown;
    assert.ok(existsSync(path.join(repoRoot, media)), media);
    assert.ok(statSync(path.join(repoRoot, media)).size < 80 * 1024, `${media}: keep the .vsix small`);
    assert.ok(media.startsWith('media/walkthrough/') && ignore.includes('!media/walkthrough/**'), `${media} is packaged`);
    if (step.media.image) assert.ok(step.media.altText, `${step.id}: altText`);
  }
});

test('menus name declared commands; editor Simulate / Debug only on server.js, payloads and inside a handler', () => {
  const declared = new Set(pkg.contributes.commands.map((c) => c.command));
  for (const [menu, items] of Object.entries(pkg.contributes.menus)) {
    for (const item of items) assert.ok(declared.has(item.command), `${menu}: ${item.command}`);
  }
  const run = pkg.contributes.menus['editor/title/run'];
  assert.ok(run.length && run.every((i) => /resourceFilename == server\.js|test_data/.test(i.when) && /freshsales\.isApp/.test(i.when)));
  assert.ok(pkg.contributes.menus['editor/context'].every((i) => /freshsales\.inHandler/.test(i.when)));
});

test('the fsdev task type and matcher', () => {
  const [def] = pkg.contributes.taskDefinitions;
  assert.equal(def.type, 'fsdev');
  assert.deepEqual(def.properties.command.enum, ['check', 'test']);
  assert.ok(pkg.contributes.problemMatchers.some((m) => m.name === 'fsdev' && m.owner === 'fsdev'));
});
