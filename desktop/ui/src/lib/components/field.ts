/** A <select> choice for Field. */
export type Option = { value: string; label: string };
