import { isBase64Zip, readZip, zipFromCode } from '../../../local/whisk/unzip';
import { ZipFormatError } from '../../../local/whisk/errors';
import { makeZip } from './support';

describe('reading action zips', () => {
  it.each([
    ['deflated', true],
    ['stored', false],
  ])('reads %s entries with their paths', (_label, deflate) => {
    const zip = makeZip(
      { 'package.json': '{"main":"dist/notify/index.js"}', 'dist/notify/index.js': 'exports.main = () => ({});' },
      { deflate },
    );

    const entries = readZip(zip);

    expect(entries.map((e) => [e.name, e.data.toString()])).toEqual([
      ['package.json', '{"main":"dist/notify/index.js"}'],
      ['dist/notify/index.js', 'exports.main = () => ({});'],
    ]);
  });

  it('recognises a zip by its content, because deployers send no binary flag', () => {
    const code = makeZip({ 'index.js': 'exports.main = () => ({})' }).toString('base64');

    expect(isBase64Zip(code)).toBe(true);
    expect(zipFromCode(code)).toBeInstanceOf(Buffer);
    expect(zipFromCode('function main() { return {} }')).toBeUndefined();
  });

  it('refuses entries that would land outside the action directory', () => {
    const zip = makeZip({ '../../etc/evil.js': 'x' });

    expect(() => readZip(zip)).toThrow(ZipFormatError);
    expect(() => readZip(zip)).toThrow(/points outside the archive/);
  });

  it('says what is wrong with something that is not a zip', () => {
    expect(() => readZip(Buffer.from('PK\u0003\u0004 but then nothing useful at all'))).toThrow(/not a zip archive/);
  });
});
