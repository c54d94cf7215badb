import { expect, type Locator, type Page } from "@playwright/test";

type Worker = "billing" | "tech_support" | "account";

export class ChatPage {
  readonly options: Locator;
  readonly identity: Locator;
  readonly input: Locator;
  readonly send: Locator;
  readonly error: Locator;
  readonly retry: Locator;
  readonly userMessages: Locator;
  readonly assistantMessages: Locator;
  readonly followUps: Locator;
  readonly agentPanel: Locator;
  readonly plan: Locator;
  readonly reviews: Locator;

  constructor(readonly page: Page) {
    this.options = page.getByTestId("customer-option");
    this.identity = page.getByTestId("chat-identity");
    this.input = page.getByTestId("chat-input");
    this.send = page.getByTestId("chat-send");
    this.error = page.getByTestId("chat-error");
    this.retry = page.getByTestId("chat-retry");
    this.userMessages = page.getByTestId("chat-message-user");
    this.assistantMessages = page.getByTestId("chat-message-assistant");
    this.followUps = page.getByTestId("chat-message-followup");
    this.agentPanel = page.getByTestId("agent-panel");
    this.plan = this.agentPanel.getByTestId("agent-plan");
    this.reviews = this.agentPanel.getByTestId("agent-review");
  }

  async goto() {
    await this.page.goto("/chat");
  }

  async pick(customerId: string) {
    await this.page.locator(`[data-testid="customer-option"][data-customer-id="${customerId}"]`).click();
  }

  /** Picks the customer and waits until the chat is theirs and ready for a message. */
  async startAs(customerId: string, name: string) {
    await this.pick(customerId);
    await expect(this.identity).toHaveText(`Chatting as ${name} (${customerId})`);
    await expect(this.input).toBeEnabled();
  }

  /** A fresh conversation for this customer (a journey before may have left one open). */
  async newConversation() {
    const button = this.page.getByTestId("chat-new-conversation");
    if (await button.isEnabled()) await button.click();
    await expect(this.userMessages).toHaveCount(0);
  }

  async sendMessage(text: string) {
    await this.input.fill(text);
    await this.send.click();
  }

  /** The latest assistant reply, once its run has finished (it is no longer busy). */
  async lastReplyWhenDone(timeout = 60_000) {
    const reply = this.assistantMessages.last();
    await expect(reply).toHaveAttribute("aria-busy", "false", { timeout });
    return reply;
  }

  /** The run id of the latest reply. */
  async lastRunId(): Promise<string> {
    const id = await this.assistantMessages.last().getAttribute("data-run-id");
    if (!id) throw new Error("the latest reply has no run id");
    return id;
  }

  worker(name: Worker): Locator {
    return this.agentPanel.getByTestId(`agent-worker-${name}`);
  }

  /** Every worker card in the agent panel, whatever the worker. */
  get workers(): Locator {
    return this.agentPanel.locator('[data-testid^="agent-worker-"][data-status]');
  }
}
