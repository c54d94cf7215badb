import type { Metadata } from "next";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Switchboard", template: "%s · Switchboard" },
  description: "Operator console for customer-service AI: a supervisor agent, specialist workers, human review and a full audit trail.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-zinc-50 font-sans text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        {/* The top bar and page column come from SiteFrame in each route group's layout: the widget has neither. */}
        {children}
      </body>
    </html>
  );
}
