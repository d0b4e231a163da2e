export function startSmtp(options: { port: number; dir: string }): Promise<{ close: () => Promise<void> }>;
