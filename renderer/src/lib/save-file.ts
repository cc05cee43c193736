/**
 * Offers a file to the user through the browser's own save flow (a Blob URL on a temporary link):
 * the renderer never touches the file system, and Electron's default download handling asks where
 * to save it.
 */
export function saveFile(name: string, content: string, mimeType: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Give the download a moment to start before the URL is revoked.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
