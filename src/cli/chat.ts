import { readFile } from 'node:fs/promises';
import { readConversations, type FileConversation } from '../chat/conversation-file.js';
import { ChatError } from '../chat/messages.js';
import { TemplateError } from '../chat/render.js';
import { countChat, isChatDate, REASONING_EFFORTS, type ChatAnswer, type ChatRequest, type ChatSwitches } from '../jobs/chat-count.js';
import { chatJson, warningText } from '../jobs/chat-json.js';
import { CHAT_FORMATS, type ChatFormatName } from '../store/chat-setups.js';
import { UnknownTokenizerError } from '../store/tokenizers.js';
import { chatSummary } from './chat-summary.js';
import { inputText } from './input.js';
import { ProgressLine } from './progress.js';
import { parseOptions, required, UsageError } from './usage.js';

export const CHAT_USAGE = `tokenlab chat --tokenizer NAME [--file F] [--jsonl] [--add-generation-prompt] [--count | --json]
              [--format model|chatml|harmony|plain|custom] [--template FILE]
              [--thinking on|off] [--reasoning-effort low|medium|high] [--date YYYY-MM-DD]

Counts a conversation as the model sees it: the messages rendered through the chat template, the prompt encoded
with its control tokens; what POST /api/chat answers.

Input: --file F, or standard input (--file -, or no --file with input piped in), one of
  a JSON array of messages          [{"role": "user", "content": "你好"}]
  a JSON object with "messages"     {"messages": [...], "tools": [...]}   (tools: the template's tool definitions)
  JSON Lines, one a line            each line an array or an object as above, as OpenAI's chat fine-tuning files
A message: "role" system, user, assistant or tool; "content" a string (null only beside "tool_calls"); optional
"name", "tool_calls", "reasoning_content"; at most 1000 a conversation. The input is JSON Lines with --jsonl, or
when it is not one JSON document but its first line is (so give --jsonl for a one-line file); blank lines are
skipped. Other keys of a conversation object are left out, with a warning.

Options:
  --format F               the chat template (a format the tokenizer does not offer is refused, naming those it does):
                             model    a model's own chat_template: the default of qwen3, deepseek-v3, llama3, gemma3
                             chatml   ChatML: the default of cl100k_base and of the other encodings and vocabularies
                             harmony  gpt-oss's harmony format: o200k_base's default
                             plain    "role: content" lines: for those other encodings and vocabularies
                             custom   the Jinja template in --template FILE, for any tokenizer
  --template FILE          a chat template of yours (implies --format custom)
  --add-generation-prompt  end with the assistant's turn opened (add_generation_prompt)
  --thinking on|off        Qwen3's enable_thinking (unset: the template's default, on)
  --reasoning-effort E     harmony's reasoning effort (unset: medium)
  --date YYYY-MM-DD        harmony's "Current date" (unset: today, so a count can differ from day to day)

Output (standard output):
  default  the tokenizer and template, then a row per message: its content's tokens, the template's tokens
           around it, and its share (what the prompt grows by with it: content + template); rows for what
           comes before the first message and for the generation prompt, the total, and the share of each
           model's context window. JSON Lines: "line N: T tokens (M messages)" a conversation, then
           "total: T tokens in K conversations".
  --count  the number of tokens. JSON Lines: one number a conversation, in input order, then a last line with
           their sum (K + 1 lines).
  --json   POST /api/chat's answer on one line (tokenizer, format, template, rendered, count, base,
           generationPrompt, messages, tokens, warnings, context). JSON Lines: a line a conversation, the API's
           object with "line" (its input line) added first, then a last line {"total": T, "conversations": K}.
Warnings (content holding control-token text, a switch the template does not read, keys left out) and the
progress of a JSON Lines file on a terminal go to standard error. Exit status: 0; 1 when a conversation cannot be
counted (the message names the line and the message); 2 for a wrong command line or an unknown tokenizer.
`;

/** tokenlab chat: conversations counted for a tokenizer and chat format (CHAT_USAGE says how). */
export async function chatCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseOptions(args, {
    tokenizer: { type: 'string' },
    file: { type: 'string' },
    jsonl: { type: 'boolean' },
    'add-generation-prompt': { type: 'boolean' },
    count: { type: 'boolean' },
    json: { type: 'boolean' },
    format: { type: 'string' },
    template: { type: 'string' },
    thinking: { type: 'string' },
    'reasoning-effort': { type: 'string' },
    date: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(CHAT_USAGE);
    return;
  }
  if (positionals.length > 0) throw new UsageError(`give the conversation with --file F or on standard input (--file ${positionals[0]}?)`);
  if (values.count && values.json) throw new UsageError('give --count or --json, not both');
  const base = {
    tokenizer: required(values.tokenizer, '--tokenizer'),
    addGenerationPrompt: values['add-generation-prompt'] === true,
    ...(await formatOptions(values.format, values.template)),
    switches: switchOptions(values.thinking, values['reasoning-effort'], values.date),
  };
  if (values.file === undefined && process.stdin.isTTY) throw new UsageError('give the conversation with --file F, or pipe it in');
  const text = await inputText(values.file, [], 'a conversation');
  const conversations = readConversations(text, values.jsonl === true);
  const jsonl = values.jsonl === true || conversations.length > 1;
  warnIgnoredKeys(conversations);
  const output = values.json ? 'json' : values.count ? 'count' : 'summary';
  if (!jsonl) {
    const answer = await counted(base, conversations[0], false);
    warn([...switchWarnings(answer, base.switches), ...controlWarnings(answer)]);
    process.stdout.write(
      output === 'json' ? `${JSON.stringify(chatJson(answer))}\n` : output === 'count' ? `${answer.count.count}\n` : chatSummary(answer),
    );
    return;
  }
  await countLines(base, conversations, output);
}

type BaseRequest = Omit<ChatRequest, 'messages' | 'tools'> & { switches: ChatSwitches };

/** Every conversation of a JSON Lines input, a line of output each as it is counted, then the total. */
async function countLines(base: BaseRequest, conversations: FileConversation[], output: 'json' | 'count' | 'summary'): Promise<void> {
  const progress = process.stderr.isTTY ? new ProgressLine(process.stderr) : undefined;
  let total = 0;
  for (const [i, c] of conversations.entries()) {
    progress?.status(`counting conversation ${i + 1}/${conversations.length} (line ${c.line})`);
    const answer = await counted(base, c, true);
    const said = controlWarnings(answer).map((w) => `line ${c.line}: ${w}`);
    warn(i === 0 ? [...switchWarnings(answer, base.switches), ...said] : said, progress);
    total += answer.count.count;
    if (output === 'json') process.stdout.write(`${JSON.stringify({ line: c.line, ...chatJson(answer) })}\n`);
    else if (output === 'count') process.stdout.write(`${answer.count.count}\n`);
    else
      process.stdout.write(
        `line ${c.line}: ${answer.count.count} tokens (${c.messages.length} message${c.messages.length === 1 ? '' : 's'})\n`,
      );
  }
  progress?.clear();
  if (output === 'json') process.stdout.write(`${JSON.stringify({ total, conversations: conversations.length })}\n`);
  else if (output === 'count') process.stdout.write(`${total}\n`);
  else process.stdout.write(`total: ${total} tokens in ${conversations.length} conversations\n`);
}

/** One conversation counted; an unknown tokenizer is a usage error, a conversation's fault names its line. */
async function counted(base: BaseRequest, c: FileConversation, namedLine: boolean): Promise<ChatAnswer> {
  try {
    return await countChat({ ...base, messages: c.messages, ...(c.tools === undefined ? {} : { tools: c.tools }) });
  } catch (e) {
    if (e instanceof UnknownTokenizerError) throw new UsageError(e.message);
    if (namedLine && (e instanceof ChatError || e instanceof TemplateError)) throw new ChatError(`line ${c.line}: ${e.message}`);
    throw e;
  }
}

/** --format and --template: a template file means the custom format, and the custom format needs one. */
async function formatOptions(
  format: string | undefined,
  templateFile: string | undefined,
): Promise<{ format?: ChatFormatName; template?: string }> {
  if (format !== undefined && !(CHAT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format takes ${CHAT_FORMATS.join(', ')}, not ${JSON.stringify(format)}`);
  }
  if (templateFile === undefined) {
    if (format === 'custom') throw new UsageError('--format custom needs --template FILE');
    return format === undefined ? {} : { format: format as ChatFormatName };
  }
  if (format !== undefined && format !== 'custom')
    throw new UsageError(`--template gives a custom template; it cannot go with --format ${format}`);
  let template: string;
  try {
    template = await readFile(templateFile, 'utf8');
  } catch (e) {
    throw new UsageError(`--template: cannot read ${templateFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return { format: 'custom', template };
}

function switchOptions(thinking: string | undefined, effort: string | undefined, date: string | undefined): ChatSwitches {
  const s: ChatSwitches = {};
  if (thinking !== undefined) {
    if (thinking !== 'on' && thinking !== 'off') throw new UsageError(`--thinking takes on or off, not ${JSON.stringify(thinking)}`);
    s.enableThinking = thinking === 'on';
  }
  if (effort !== undefined) {
    if (!(REASONING_EFFORTS as readonly string[]).includes(effort))
      throw new UsageError(`--reasoning-effort takes ${REASONING_EFFORTS.join(', ')}, not ${JSON.stringify(effort)}`);
    s.reasoningEffort = effort as ChatSwitches['reasoningEffort'];
  }
  if (date !== undefined) {
    if (!isChatDate(date)) throw new UsageError(`--date takes a date, YYYY-MM-DD, not ${JSON.stringify(date)}`);
    s.date = date;
  }
  return s;
}

/** The template's variable each switch sets, and its option. */
const SWITCH_VARIABLES: ReadonlyArray<[keyof ChatSwitches, string, string]> = [
  ['enableThinking', 'enable_thinking', '--thinking'],
  ['reasoningEffort', 'reasoning_effort', '--reasoning-effort'],
  ['date', 'date', '--date'],
];

/** The messages whose content holds control-token text, read as control tokens. */
function controlWarnings({ count }: ChatAnswer): string[] {
  return count.warnings.map((w) => warningText(w.message, w.tokens, w.countAsText, count.count));
}

/** The switches given that the template does not read (the same template for every conversation). */
function switchWarnings({ setup }: ChatAnswer, switches: ChatSwitches): string[] {
  const reads = (variable: string): boolean => new RegExp(`\\b${variable}\\b`).test(setup.template);
  return SWITCH_VARIABLES.filter(([key, variable]) => switches[key] !== undefined && !reads(variable)).map(
    ([, variable, option]) => `${option} does nothing here: ${setup.label} does not read ${variable}`,
  );
}

function warn(lines: readonly string[], progress?: ProgressLine): void {
  if (lines.length === 0) return;
  progress?.clear();
  for (const l of lines) process.stderr.write(`tokenlab chat: warning: ${l}\n`);
}

function warnIgnoredKeys(conversations: readonly FileConversation[]): void {
  const keys = new Map<string, number>();
  for (const c of conversations) for (const k of c.ignored) if (!keys.has(k)) keys.set(k, c.line);
  warn(
    [...keys].map(([k, line]) => {
      const at = conversations.length > 1 ? ` (first on line ${line})` : '';
      return `${JSON.stringify(k)}${at} is not part of a conversation and was left out (the tokenizer, format and switches are options of the command)`;
    }),
  );
}
