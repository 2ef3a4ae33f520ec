/** The webhook's defaults for what it reads, in a module of their own so that the CLI can check flags without loading the server. */

/**
 * The largest review read, 4 MiB. The API server reads at most 3 MiB of a
 * request body (`MaxRequestBodyBytes`, twice etcd's 1.5 MiB request limit
 * because JSON is larger than the protobuf it stores), so a CREATE review
 * holds an object of at most about 3 MiB; an UPDATE holds two objects that
 * each fit etcd's 1.5 MiB, which is at most about 2 MiB each as JSON (a
 * Secret's bytes grow by a third in base64). A body above this is not a
 * review of an object the API server can store: it gets 413 unread, and the
 * API server applies the webhook's failure policy.
 */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** From a request's arrival to its answer: below the 3 s and 5 s timeouts `admission manifests` registers. */
export const DEFAULT_DEADLINE_MS = 2500;
