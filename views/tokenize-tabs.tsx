/** The tokenize page's two views, plain text (/) and chat (/chat), as tabs that keep the chosen tokenizer. */
export function ModeTabs(props: { mode: 'plain' | 'chat'; tokenizer: string }) {
  const query = `?${new URLSearchParams({ tokenizer: props.tokenizer })}`;
  const tab = (mode: 'plain' | 'chat', href: string, label: string) =>
    props.mode === mode ? <strong aria-current="page">{label}</strong> : <a href={href + query}>{label}</a>;
  return (
    <nav class="mode-tabs" aria-label="tokenize views">
      {tab('plain', '/', 'plain text')}
      {tab('chat', '/chat', 'chat')}
    </nav>
  );
}
