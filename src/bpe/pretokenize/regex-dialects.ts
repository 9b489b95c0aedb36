/**
 * Regex dialects. Vocabularies store JavaScript regex sources (flags `gu`); tiktoken (Rust `fancy-regex`) and
 * `tokenizers` (Oniguruma) take another dialect: `toRustRegex` writes a vocabulary's pattern in it (tiktoken's
 * `pat_str`, tokenizer.json's Split regex), `fromRustRegex` reads one back. The translation targets the common
 * subset of both Rust engines; constructs with no equivalent are refused with a VocabularyError saying which.
 */
import { PATTERN_NAMES, UPSTREAM_PATTERNS, compilePattern, isPatternName, patternSource } from './patterns.js';
import { VocabularyError } from '../vocabulary.js';

/** The spelling tiktoken and tokenizers were given for a named pattern (none for cjk). */
function upstream(name: string): string | undefined {
  return (UPSTREAM_PATTERNS as Partial<Record<string, string>>)[name];
}

/** JavaScript's `\s` (with the `u` flag): WhiteSpace and LineTerminator, in the Rust/Oniguruma dialect. */
const JS_WS_RUST = '\\t\\n\\x{B}\\x{C}\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}';
/** Oniguruma's and Rust's `\s` (Unicode White_Space), in the JavaScript dialect. */
const RUST_WS_JS = '\\t\\n\\v\\f\\r \\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';

const hex = (cp: number): string => `\\x{${cp.toString(16).toUpperCase()}}`;

function readBraced(src: string, open: number, what: string): string {
  if (src[open] !== '{') throw new VocabularyError(`regex: expected { after ${what} at ${open}`);
  const close = src.indexOf('}', open);
  if (close < 0) throw new VocabularyError(`regex: unterminated ${what}{ at ${open}`);
  return src.slice(open + 1, close);
}

function readHex(src: string, at: number, n: number, what: string): number {
  const h = src.slice(at, at + n);
  if (h.length !== n || !/^[0-9a-fA-F]+$/.test(h)) throw new VocabularyError(`regex: bad ${what} escape at ${at - 2}`);
  return parseInt(h, 16);
}

/**
 * The Rust/Oniguruma spelling of a vocabulary pattern (a name from patterns.ts or a JavaScript regex
 * source), for tiktoken's `pat_str` and tokenizer.json's Split regex. Named patterns with an upstream spelling
 * (gpt2, cl100k, o200k) get it; others are translated from JavaScript: code point escapes become `\x{...}`,
 * `\p{Script=X}` becomes `\p{X}`, `\s \d \w` `.` `^` `$` are spelled out with JavaScript's meaning, and `[`
 * `&` `~` are escaped inside classes. Throws VocabularyError for constructs with no equivalent (`\b`,
 * `\p{Script_Extensions=...}`).
 */
export function toRustRegex(pattern: string): string {
  if (isPatternName(pattern)) return upstream(pattern) ?? jsToRust(patternSource(pattern));
  compilePattern(pattern);
  return jsToRust(pattern);
}

function jsToRust(src: string): string {
  let out = '';
  let inClass = false;
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '\\') {
      const e = src[i + 1];
      if (e === undefined) throw new VocabularyError('regex: trailing backslash');
      if (e === 'x') {
        out += hex(readHex(src, i + 2, 2, '\\x'));
        i += 4;
      } else if (e === 'u') {
        if (src[i + 2] === '{') {
          const body = readBraced(src, i + 2, '\\u');
          out += hex(parseInt(body, 16));
          i += body.length + 4;
        } else {
          let cp = readHex(src, i + 2, 4, '\\u');
          i += 6;
          if (cp >= 0xd800 && cp <= 0xdbff && src[i] === '\\' && src[i + 1] === 'u' && /^[dD][c-fC-F]/.test(src.slice(i + 2))) {
            const lo = readHex(src, i + 2, 4, '\\u');
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            i += 6;
          }
          out += hex(cp);
        }
      } else if (e === 'p' || e === 'P') {
        const body = readBraced(src, i + 2, `\\${e}`);
        const eq = body.indexOf('=');
        let name = body;
        if (eq >= 0) {
          const key = body.slice(0, eq);
          name = body.slice(eq + 1);
          if (key === 'Script_Extensions' || key === 'scx') {
            throw new VocabularyError(`regex: \\${e}{${body}} (script extensions) has no Oniguruma equivalent`);
          }
          if (!['Script', 'sc', 'General_Category', 'gc'].includes(key)) {
            throw new VocabularyError(`regex: unsupported property \\${e}{${body}}`);
          }
        }
        out += `\\${e}{${name}}`;
        i += body.length + 4;
      } else if ('sSdDwW'.includes(e)) {
        const set = e === 's' || e === 'S' ? JS_WS_RUST : e === 'd' || e === 'D' ? '0-9' : 'A-Za-z0-9_';
        const negated = e === 'S' || e === 'D' || e === 'W';
        out += inClass ? (negated ? `[^${set}]` : set) : negated ? `[^${set}]` : `[${set}]`;
        i += 2;
      } else if (e === 'b' || e === 'B') {
        if (!inClass || e === 'B') {
          throw new VocabularyError(`regex: \\${e} (an ASCII word boundary in JavaScript) has no exact equivalent`);
        }
        out += hex(8);
        i += 2;
      } else if (e === 'c') {
        const l = src[i + 2];
        if (l === undefined || !/[A-Za-z]/.test(l)) throw new VocabularyError(`regex: bad \\c escape at ${i}`);
        out += hex(l.charCodeAt(0) % 32);
        i += 3;
      } else if (e === 'v' || e === 'f') {
        out += hex(e === 'v' ? 11 : 12);
        i += 2;
      } else if (e === '0' && !/[0-9]/.test(src[i + 2] ?? '')) {
        out += hex(0);
        i += 2;
      } else if ('tnr'.includes(e) || /[1-9]/.test(e)) {
        out += `\\${e}`;
        i += 2;
      } else if (e === 'k') {
        const close = src.indexOf('>', i);
        out += src.slice(i, close + 1);
        i = close + 1;
      } else if (/[\^$\\.*+?()[\]{}|/-]/.test(e)) {
        out += e === '/' ? '/' : `\\${e}`;
        i += 2;
      } else {
        throw new VocabularyError(`regex: unsupported escape \\${e}`);
      }
      continue;
    }
    const cp = src.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    i += ch.length;
    if (inClass) {
      if (ch === ']') inClass = false;
      out += ch === '[' || ch === '&' || ch === '~' ? `\\${ch}` : ch;
    } else if (ch === '[') {
      inClass = true;
      let negate = false;
      if (src[i] === '^') {
        negate = true;
        i++;
      }
      if (src[i] === ']') {
        // JavaScript's [] matches nothing and [^] anything; Rust and Oniguruma read `[]...]` differently.
        out += negate ? '[\\x{0}-\\x{10FFFF}]' : '[^\\x{0}-\\x{10FFFF}]';
        inClass = false;
        i++;
      } else {
        out += negate ? '[^' : '[';
      }
    } else if (ch === '.') {
      out += '[^\\n\\r\\x{2028}\\x{2029}]';
    } else if (ch === '^') {
      out += '\\A';
    } else if (ch === '$') {
      out += '\\z';
    } else {
      out += ch;
    }
  }
  return out;
}

/** Case variants `(?i:)` matches for a letter, as Unicode simple case folding does for ASCII. */
function caseVariants(ch: string): string[] {
  const v = new Set([ch, ch.toLowerCase(), ch.toUpperCase()]);
  const lower = ch.toLowerCase();
  if (lower === 's') v.add('\u017F'); // ſ folds to s
  if (lower === 'k') v.add('\u212A'); // the Kelvin sign folds to k
  if (lower === '\u00E5') v.add('\u212B'); // the Angstrom sign folds to å
  return [...v].filter((x) => x.length === 1 || [...x].length === 1);
}

function escapeJsChar(ch: string): string {
  return /[\^$\\.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}

/**
 * A vocabulary pattern from a Rust/Oniguruma regex: a pattern name if the regex is the spelling of one
 * (`toRustRegex` of that name, or the upstream tiktoken/HF spelling), else the regex translated to
 * JavaScript (`\s \d \w` `.` `^` `$` with their Oniguruma meaning, `\x{...}`, `\p{Han}` as
 * `\p{Script=Han}`, `(?i:...)` over literal text expanded to classes). Throws VocabularyError for
 * constructs JavaScript cannot express (possessive quantifiers, atomic groups, nested classes, `\b`, ...).
 */
export function fromRustRegex(src: string): string {
  for (const name of PATTERN_NAMES) {
    if (src === toRustRegex(name) || src === upstream(name)) return name;
    try {
      if (src === jsToRust(patternSource(name))) return name;
    } catch {
      // a named pattern with no Rust spelling cannot be the source of this one
    }
  }
  const js = rustToJs(src);
  compilePattern(js);
  return js;
}

function rustToJs(src: string): string {
  let out = '';
  let inClass = false;
  let i = 0;
  // Depth of `(?i:` groups still open and, per open group, whether it is case-insensitive.
  const groups: boolean[] = [];
  const caseless = (): boolean => groups.includes(true);
  const unsupported = (what: string): never => {
    throw new VocabularyError(`regex: ${what} has no JavaScript equivalent (at ${i} in ${JSON.stringify(src)})`);
  };
  let lastWasQuantifier = false;
  while (i < src.length) {
    const c = src[i];
    if (c === '\\') {
      const e = src[i + 1];
      if (e === undefined) throw new VocabularyError('regex: trailing backslash');
      lastWasQuantifier = false;
      if (e === 'x') {
        if (src[i + 2] === '{') {
          const body = readBraced(src, i + 2, '\\x');
          out += `\\u{${body}}`;
          i += body.length + 4;
        } else {
          out += `\\u{${readHex(src, i + 2, 2, '\\x').toString(16)}}`;
          i += 4;
        }
      } else if (e === 'u') {
        out += `\\u{${readHex(src, i + 2, 4, '\\u').toString(16)}}`;
        i += 6;
      } else if (e === 'p' || e === 'P') {
        let body = readBraced(src, i + 2, `\\${e}`);
        i += body.length + 4;
        let neg = e === 'P';
        if (body.startsWith('^')) {
          neg = !neg;
          body = body.slice(1);
        }
        const p = neg ? 'P' : 'p';
        const valid = (s: string): boolean => {
          try {
            new RegExp(s, 'u');
            return true;
          } catch {
            return false;
          }
        };
        if (valid(`\\p{${body}}`)) out += `\\${p}{${body}}`;
        else if (valid(`\\p{Script=${body}}`)) out += `\\${p}{Script=${body}}`;
        else unsupported(`the property \\p{${body}}`);
      } else if ('sSdDwWhH'.includes(e)) {
        const l = e.toLowerCase();
        const set = l === 's' ? RUST_WS_JS : l === 'd' ? '\\p{Nd}' : l === 'w' ? '\\p{L}\\p{M}\\p{Nd}\\p{Pc}' : '0-9a-fA-F';
        const negated = e !== l;
        if (inClass && negated) unsupported(`\\${e} inside a class`);
        out += inClass ? set : negated ? `[^${set}]` : `[${set}]`;
        i += 2;
      } else if (e === 'A' && !inClass) {
        out += '^';
        i += 2;
      } else if (e === 'z' && !inClass) {
        out += '$';
        i += 2;
      } else if (e === 'Z' && !inClass) {
        out += '(?=\\n?$)';
        i += 2;
      } else if (e === 'b' && inClass) {
        out += '\\x08';
        i += 2;
      } else if (e === 'a' || e === 'e') {
        out += e === 'a' ? '\\x07' : '\\x1B';
        i += 2;
      } else if ('tnrfv'.includes(e) || /[1-9]/.test(e)) {
        out += `\\${e}`;
        i += 2;
      } else if (e === '0' && !/[0-7]/.test(src[i + 2] ?? '')) {
        out += '\\0';
        i += 2;
      } else if (e === 'k' && src[i + 2] === '<') {
        const close = src.indexOf('>', i);
        out += src.slice(i, close + 1);
        i = close + 1;
      } else if (/[A-Za-z0-9]/.test(e)) {
        unsupported(`the escape \\${e}`);
      } else {
        const cp = src.codePointAt(i + 1)!;
        const ch = String.fromCodePoint(cp);
        out += inClass ? (ch === '-' || ch === ']' || ch === '\\' || ch === '^' ? `\\${ch}` : ch) : escapeJsChar(ch);
        i += 1 + ch.length;
      }
      continue;
    }
    const cp = src.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    if (inClass) {
      if (ch === '[') unsupported('a nested class or POSIX bracket');
      if (ch === '&' && src[i + 1] === '&') unsupported('class intersection &&');
      if (ch === ']') inClass = false;
      out += ch;
      i += ch.length;
      continue;
    }
    if (ch === '+' && lastWasQuantifier) unsupported('a possessive quantifier');
    lastWasQuantifier = false;
    if (ch === '[') {
      if (caseless()) unsupported('a class inside (?i:...)');
      inClass = true;
      out += '[';
      i++;
      if (src[i] === '^') {
        out += '^';
        i++;
      }
      if (src[i] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (ch === '(') {
      if (src.startsWith('(?i:', i)) {
        groups.push(true);
        out += '(?:';
        i += 4;
      } else if (src.startsWith('(?#', i)) {
        const close = src.indexOf(')', i);
        i = close < 0 ? src.length : close + 1;
      } else if (/^\((?:\?:|\?=|\?!|\?<=|\?<!|\?<[A-Za-z_])/.test(src.slice(i, i + 4)) || src[i + 1] !== '?') {
        groups.push(false);
        out += '(';
        i++;
      } else {
        unsupported(`the group ${src.slice(i, i + 3)}`);
      }
      continue;
    }
    if (ch === ')') {
      groups.pop();
      out += ')';
      i++;
      lastWasQuantifier = false;
      continue;
    }
    if (ch === '*' || ch === '+' || ch === '?' || ch === '}') {
      out += ch;
      i++;
      // `x??` and `x*?` are lazy (fine in JS); `x?+` `x*+` `x++` `x{n}+` are possessive.
      lastWasQuantifier = !(ch === '?' && out.length >= 2 && '*+?}'.includes(out[out.length - 2]));
      continue;
    }
    if (ch === '.') out += '[^\\n]';
    else if (ch === '^') out += '(?<![^\\n])';
    else if (ch === '$') out += '(?![^\\n])';
    else if (caseless() && /\p{L}/u.test(ch)) {
      const v = caseVariants(ch);
      out += v.length > 1 ? `[${v.join('')}]` : ch;
    } else out += ch;
    i += ch.length;
  }
  return out;
}
