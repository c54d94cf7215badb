// Customer messages several tests send.

/** The article's three-part message (billing, technical support, account) for C-1001. */
export const THREE_PARTS = "I was charged a $30 late fee but I paid on time. Also my internet has been really slow all week, and I'd like to upgrade to the 1 Gig plan.";
