import ReactMarkdown, { type Components } from "react-markdown";

// Model and customer text as Markdown, safely: no raw HTML is ever rendered (there
// is no rehype-raw; HTML in the text is shown as the characters typed), and links
// go through react-markdown's URL filter (no javascript: and the like) and open in a
// new tab without access to this page.

type MdNode = { type: string; value?: string; children?: MdNode[] };

/** Shows HTML in the text as text instead of dropping it silently. */
function htmlAsText() {
  const walk = (node: MdNode) => {
    if (node.type === "html") node.type = "text";
    node.children?.forEach(walk);
  };
  return (tree: MdNode) => walk(tree);
}

const components: Components = {
  p: ({ children }) => <p className="[&:not(:first-child)]:mt-2">{children}</p>,
  ul: ({ children }) => <ul className="mt-2 list-disc space-y-1 pl-5 first:mt-0">{children}</ul>,
  ol: ({ children }) => <ol className="mt-2 list-decimal space-y-1 pl-5 first:mt-0">{children}</ol>,
  strong: ({ children }) => <strong className="font-semibold">{children}</strong>,
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noopener noreferrer nofollow" className="font-medium underline underline-offset-2">
      {children}
    </a>
  ),
  code: ({ children }) => <code className="rounded bg-black/5 px-1 py-px font-mono text-[0.85em] dark:bg-white/10">{children}</code>,
  pre: ({ children }) => <pre className="mt-2 overflow-x-auto rounded-md bg-black/5 p-2 text-xs dark:bg-white/10">{children}</pre>,
  h1: ({ children }) => <p className="mt-2 font-semibold first:mt-0">{children}</p>,
  h2: ({ children }) => <p className="mt-2 font-semibold first:mt-0">{children}</p>,
  h3: ({ children }) => <p className="mt-2 font-semibold first:mt-0">{children}</p>,
  img: ({ alt }) => <span>{alt}</span>,
};

export function Markdown({ text }: { text: string }) {
  return (
    <ReactMarkdown remarkPlugins={[htmlAsText]} components={components}>
      {text}
    </ReactMarkdown>
  );
}
