package io.baran.worker.action;

/**
 * Where a {@code notify} step's message goes: a chat webhook ({@link WebhookChannel}) or a paging service
 * ({@link PagerDutyChannel}). Its secret (a webhook URL's token, a routing key) is never in what it reports or logs.
 */
public interface NotificationChannel {

    /** How one attempt ended: delivered, or why not and whether trying again may help. */
    record Delivery(boolean delivered, boolean retryable, String detail) {}

    /** The name runbooks use. */
    String name();

    /** The host messages go to: what reports may say of where. */
    String host();

    /**
     * Sends the message once. The execution and step make it idempotent where the receiver can tell (a webhook's
     * Idempotency-Key, PagerDuty's dedup_key): the repeat of a delivery whose answer was lost is not a second page.
     */
    Delivery post(String text, String executionId, String step);
}
