/** Text made safe for an HTML page we serve, in element content and in quoted attributes alike. */
export function escapeHtmlText(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
