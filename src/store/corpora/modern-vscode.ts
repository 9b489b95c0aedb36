/**
 * VS Code's user-interface strings in Simplified Chinese (the language pack `@codingame/monaco-vscode-language-pack-zh-hans`
 * repackages), paired with their English where it can be known: the workbench's strings by their index in the
 * English `localize(index, "…")` calls of `@codingame/monaco-vscode-api`, the built-in extensions' strings by their
 * key, which is the English text itself.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface UiString {
  zh: string;
  /** The English original, or undefined where the pack does not say it and the API package lacks it. */
  en: string | undefined;
}

const HAN = /\p{Script=Han}/u;

/** A menu label's access-key marks dropped ("&&File" → "File", "文件(&&F)" → "文件"), whitespace runs made one space. */
export function cleanUiString(text: string): string {
  return text
    .replace(/\(&&\w\)/gu, '')
    .replace(/&&/gu, '')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** Every file under `dir` whose name ends in `suffix`, in code-unit order of their paths (not file-system order). */
export function filesUnder(dir: string, suffix: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(suffix)) out.push(path);
    }
  };
  walk(dir);
  return out;
}

/** A JavaScript string literal in double quotes, or undefined when it uses an escape JSON lacks. */
function stringLiteral(literal: string): string | undefined {
  try {
    return JSON.parse(literal) as string;
  } catch {
    return undefined;
  }
}

/** English by index from the API package's `localize(index, "…")` and `localize2(index, "…")` calls. */
export function englishByIndex(apiDir: string): Map<number, string> {
  const out = new Map<number, string>();
  const call = /\blocalize2?\(\s*(\d+)\s*,\s*("(?:[^"\\\n]|\\.)*")/gu;
  for (const file of filesUnder(apiDir, '.js')) {
    const js = readFileSync(file, 'utf8');
    for (let m = call.exec(js); m !== null; m = call.exec(js)) {
      const index = Number(m[1]);
      const en = stringLiteral(m[2]);
      if (en !== undefined && !out.has(index)) out.set(index, en);
    }
  }
  return out;
}

/** The workbench's translations, `translations/main.i18n.json.js`: an array literal indexed as the English calls are. */
function mainTranslations(packDir: string): Array<string | null> {
  const js = readFileSync(join(packDir, 'translations', 'main.i18n.json.js'), 'utf8');
  const start = js.indexOf('[');
  const end = js.lastIndexOf(']');
  return JSON.parse(js.slice(start, end + 1).replace(/^\s*undefined\s*,/gmu, 'null,')) as Array<string | null>;
}

interface ExtensionTranslations {
  contents: Record<string, Record<string, string>>;
}

/**
 * The language pack's strings (workbench first, by index; then each built-in extension's, by file name and in
 * the file's order), cleaned, with English where known. Strings without a Han character ("{0} ({1})") are left out.
 */
export function vscodeUiStrings(packDir: string, apiDir: string): UiString[] {
  const english = englishByIndex(apiDir);
  const out: UiString[] = [];
  const push = (zh: string, en: string | undefined) => {
    const z = cleanUiString(zh);
    if (HAN.test(z)) out.push({ zh: z, en: en === undefined ? undefined : cleanUiString(en) || undefined });
  };
  mainTranslations(packDir).forEach((zh, i) => {
    if (typeof zh === 'string') push(zh, english.get(i));
  });
  for (const file of filesUnder(join(packDir, 'translations', 'extensions'), '.i18n.json')) {
    const { contents } = JSON.parse(readFileSync(file, 'utf8')) as ExtensionTranslations;
    for (const [section, strings] of Object.entries(contents)) {
      // Only the "bundle" section is keyed by the English text; the others by ids such as "command.clone".
      for (const [key, zh] of Object.entries(strings)) push(zh, section === 'bundle' ? key : undefined);
    }
  }
  return out;
}
