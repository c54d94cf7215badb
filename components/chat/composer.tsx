"use client";

import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { buttonStyles, inputStyles } from "@/components/ui/styles";

const MAX_LENGTH = 4000;

/** The message box. Enter sends, Shift+Enter starts a new line; the text is given back if sending fails. */
export function Composer(props: { disabled: boolean; busy: boolean; note: string | null; onSend(message: string): Promise<boolean> }) {
  const { disabled, busy, note, onSend } = props;
  const [text, setText] = useState("");
  const blocked = disabled || busy;
  const canSend = !blocked && text.trim().length > 0;
  const input = useRef<HTMLTextAreaElement>(null);
  const wasBusy = useRef(busy);

  // Disabling the box while a reply streams drops focus; give it back when it is done.
  useEffect(() => {
    if (wasBusy.current && !blocked && document.activeElement === document.body) input.current?.focus();
    wasBusy.current = busy;
  }, [busy, blocked]);

  async function submit(e?: FormEvent) {
    e?.preventDefault();
    if (!canSend) return;
    // The message moves into the conversation at once; it comes back if sending fails.
    const sent = text;
    setText("");
    if (!(await onSend(sent))) setText((current) => current || sent);
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void submit();
    }
  }

  return (
    <form className="border-t border-zinc-200 p-4" onSubmit={submit} aria-describedby="chat-composer-note">
      <label htmlFor="chat-message" className="sr-only">
        Message
      </label>
      <div className="flex items-end gap-2">
        <textarea
          ref={input}
          id="chat-message"
          name="message"
          rows={2}
          maxLength={MAX_LENGTH}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
          disabled={blocked}
          className={`${inputStyles} resize-none`}
          placeholder="Ask about a bill, your connection or your plan…"
          data-testid="chat-input"
        />
        <button type="submit" disabled={!canSend} className={buttonStyles.primary} data-testid="chat-send">
          {busy ? "Working…" : "Send"}
        </button>
      </div>
      <p id="chat-composer-note" className="mt-2 text-xs text-zinc-500" data-testid="chat-composer-note">
        {note ?? "Enter to send, Shift+Enter for a new line."}
      </p>
    </form>
  );
}
