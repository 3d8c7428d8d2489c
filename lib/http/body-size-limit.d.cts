export declare const BODY_SIZE_LIMIT_BYTES: number;
