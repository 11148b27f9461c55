/** llmload's version, recorded in every run's meta.json. Keep equal to deno.json "version". */
export const VERSION = "0.1.0";
