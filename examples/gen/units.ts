// Byte units used for sizes (binary, as DLP reports bytes and the rules say MiB).
export const KB = 1024;
export const MB = 1024 * 1024;
