/**
 * Renders a chat template as Hugging Face transformers' apply_chat_template does, with `@huggingface/jinja` (the
 * Jinja interpreter written for these templates; it has transformers' `raise_exception`, `strftime_now`, a
 * `tojson` with Python's separators, trim_blocks and lstrip_blocks). The variables are transformers': messages,
 * tools and documents (None unless given), add_generation_prompt, the tokenizer's special tokens (bos_token,
 * eos_token, ...) and the template's switches (enable_thinking).
 *
 * The interpreter runs no code but the template's, reaches nothing outside the variables, and has no step limit:
 * a template the user pastes is rendered in a worker with a time limit (src/jobs/chat-render.ts).
 */
import { Template } from '@huggingface/jinja';
import type { ChatMessage } from './messages.js';

/** A template that cannot be parsed or raised an error; the message names the line where it can tell. */
export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** The most characters one rendering may have (a template that loops can otherwise fill memory). */
export const MAX_RENDERED_CHARS = 8 << 20;

/** A parsed template, ready to render many times. */
export class ChatTemplate {
  private readonly template: Template;

  /** Parses `source`; throws TemplateError naming the line of a syntax error. */
  constructor(readonly source: string) {
    try {
      this.template = new Template(source);
    } catch (e) {
      throw new TemplateError(
        `the template does not parse: ${(e as Error).message}${lineNote(syntaxErrorLine(source, (e as Error).message))}`,
      );
    }
  }

  /**
   * The text of `messages` through the template. `variables` are the tokenizer's and the switches' (they may not
   * override messages or add_generation_prompt). Throws TemplateError with the template's own message.
   */
  render(messages: readonly ChatMessage[], addGenerationPrompt: boolean, variables: Readonly<Record<string, unknown>> = {}): string {
    let out: string;
    try {
      out = this.template.render({
        tools: null,
        documents: null,
        ...variables,
        messages: messages as unknown,
        add_generation_prompt: addGenerationPrompt,
      });
    } catch (e) {
      const message = (e as Error).message;
      throw new TemplateError(`the template failed: ${message}${lineNote(runtimeErrorLines(this.source, message))}`);
    }
    if (out.length > MAX_RENDERED_CHARS) throw new TemplateError(`the template's output is over ${MAX_RENDERED_CHARS} characters`);
    return out;
  }
}

function lineNote(lines: number[]): string {
  if (lines.length === 0) return '';
  return lines.length === 1 ? ` (line ${lines[0]})` : ` (line ${lines.slice(0, 3).join(' or ')})`;
}

/**
 * The line of a syntax error: the interpreter gives no positions, so the template is parsed line by line (its
 * first k lines) and the first prefix that fails with the same message names line k. A prefix that only ends
 * inside an open block fails differently, so it does not count. Example: in "a\n{% if x %}\n{% endfor %}" the
 * message "Unknown statement type: endfor" first appears with 3 lines: line 3.
 */
function syntaxErrorLine(source: string, message: string): number[] {
  const lines = source.split('\n');
  for (let k = 1; k <= lines.length; k++) {
    try {
      new Template(lines.slice(0, k).join('\n'));
    } catch (e) {
      if ((e as Error).message === message) return [k];
    }
  }
  return [];
}

/**
 * The lines a runtime error most likely comes from: those holding the text of a raise_exception message, else
 * those holding a name the message quotes (a filter, a function). Empty when nothing matches or too much does.
 */
function runtimeErrorLines(source: string, message: string): number[] {
  const lines = source.split('\n');
  const holding = (needle: string): number[] => lines.flatMap((l, i) => (l.includes(needle) ? [i + 1] : []));
  const raised = holding(message);
  if (raised.length > 0) return raised;
  for (const m of message.matchAll(/"([^"]{2,})"|: ([A-Za-z_][\w.]*)$/g)) {
    const found = holding(m[1] ?? m[2]);
    if (found.length > 0 && found.length <= 3) return found;
  }
  return [];
}
