"use client";

import { useEffect, useRef, type FormEvent, type KeyboardEvent } from "react";
import { buttonStyles, inputStyles } from "@/components/ui/styles";
import { MAX_MESSAGE_LENGTH } from "@/lib/chat/message-input";

/**
 * The message box. Enter sends, Shift+Enter starts a new line. The text lives with
 * the chat, so a message the server refuses comes back here to be fixed.
 */
export function Composer(props: {
  value: string;
  onChange(value: string): void;
  disabled: boolean;
  busy: boolean;
  note: string | null;
  onSend(message: string): void;
}) {
  const { value, onChange, disabled, busy, note, onSend } = props;
  const blocked = disabled || busy;
  const canSend = !blocked && value.trim().length > 0;
  const input = useRef<HTMLTextAreaElement>(null);
  const wasBlocked = useRef(blocked);

  // Disabling the box while a reply streams drops focus; give it back when it is done.
  useEffect(() => {
    if (wasBlocked.current && !blocked && (document.activeElement === document.body || document.activeElement === null)) input.current?.focus();
    wasBlocked.current = blocked;
  }, [blocked]);

  function submit(e?: FormEvent) {
    e?.preventDefault();
    if (canSend) onSend(value);
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    }
  }

  const left = MAX_MESSAGE_LENGTH - value.length;
  return (
    <form className="border-t border-zinc-200 p-3 sm:p-4 dark:border-zinc-800" onSubmit={submit} aria-describedby="chat-composer-note">
      <label htmlFor="chat-message" className="sr-only">
        Message
      </label>
      <div className="flex items-end gap-2">
        <textarea
          ref={input}
          id="chat-message"
          name="message"
          rows={2}
          maxLength={MAX_MESSAGE_LENGTH}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={onKeyDown}
          disabled={blocked}
          className={`${inputStyles} resize-none`}
          placeholder="Ask about a bill, your connection or your plan…"
          data-testid="chat-input"
        />
        <button type="submit" disabled={!canSend} className={`${buttonStyles.primary} h-10 min-w-20`} data-testid="chat-send">
          {busy ? "Working…" : "Send"}
        </button>
      </div>
      <p id="chat-composer-note" className="mt-2 flex justify-between gap-3 text-xs text-zinc-500 dark:text-zinc-400" data-testid="chat-composer-note">
        <span>{note ?? "Enter to send, Shift+Enter for a new line."}</span>
        {left < 500 ? <span className="tabular-nums">{left} characters left</span> : null}
      </p>
    </form>
  );
}
