import { csvCell, csvRow } from './csv';

describe('csvCell', () => {
  it.each([
    ['plain', 'INV-1', 'INV-1'],
    ['number', 150000, '150000'],
    ['null', null, ''],
    ['undefined', undefined, ''],
    ['comma', 'a,b', '"a,b"'],
    ['quote', 'say "hi"', '"say ""hi"""'],
    ['newline', 'a\nb', '"a\nb"'],
    ['formula =', '=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['formula +', '+1+2', "'+1+2"],
    ['formula -', '-1', "'-1"],
    ['formula @', '@SUM(A1)', "'@SUM(A1)"],
    ['tab', '\t=1', "'\t=1"],
    ['carriage return', '\r=1', `"'\r=1"`],
    ['a dash inside is harmless', 'INV-2025-0001', 'INV-2025-0001'],
    ['a quote already first', "'x", "'x"],
  ])('%s', (_name, input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });
});

describe('csvRow', () => {
  it('joins cells with commas and ends in CRLF', () => {
    expect(csvRow(['a', 1, null, 'b,c'])).toBe('a,1,,"b,c"\r\n');
  });
});
