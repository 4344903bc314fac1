package io.baran.worker.provider;

/**
 * A provider quota and its use, as the provider's API reports them.
 *
 * @param what  what is counted, for people: {@code record sets in hosted zone shop.example. (Z123)}
 * @param used  how many are in use now
 * @param limit how many the provider allows
 */
public record Quota(String what, long used, long limit) {}
