import type { ReactNode } from "react";
import { TopNav } from "./top-nav";

/**
 * The console's frame: top bar and page column. Every page has it except the chat
 * widget, which lives in a host site's iframe; so the frame sits in the route groups'
 * layouts rather than in the root layout.
 */
export function SiteFrame({ children }: { children: ReactNode }) {
  return (
    <>
      <TopNav />
      <main className="mx-auto max-w-6xl px-4 py-8 sm:px-6 sm:py-10">{children}</main>
    </>
  );
}
