import type { Metadata } from "next";
import { WidgetChat } from "@/components/widget/widget-chat";
import { isAllowedOrigin, widgetAllowedOrigins } from "@/lib/http/origins";
import { workers } from "@/lib/workers/registry";

// The chat a host site embeds through public/widget.js, in an iframe. proxy.ts sends
// its frame-ancestors (WIDGET_ALLOWED_ORIGINS); the page itself accepts a token only
// by postMessage from the host origin named in ?host=, and only if that is allowed.

export const metadata: Metadata = { title: "Support chat", robots: { index: false } };
export const dynamic = "force-dynamic";

export default async function WidgetPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { host } = await searchParams;
  const hostOrigin = typeof host === "string" && isAllowedOrigin(host, widgetAllowedOrigins()) ? host : null;
  // The customer's words for each kind of work, from the worker registry.
  const labels = Object.fromEntries(Object.values(workers).map((w) => [w.name, w.progress]));
  return (
    // Follows the system's dark mode, like the host page around it (app/globals.css).
    <div data-color-scheme="auto">
      <h1 className="sr-only">Support chat</h1>
      <WidgetChat hostOrigin={hostOrigin} labels={labels} />
    </div>
  );
}
