// Browser file I/O: saving a download and reading dropped files or whole folders.

/** Saves bytes as a download the browser puts in the user's downloads folder. */
export function saveDownload(data: BlobPart, fileName: string, type = 'application/octet-stream'): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoke later: Chromium reads the blob after the click handler returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export interface PickedFile {
  /** Path inside a dropped folder, or the bare name. */
  path: string;
  file: File;
}

/** Every file of a drop, descending into dropped folders (Chromium's entry API). */
export async function filesFromDrop(transfer: DataTransfer): Promise<PickedFile[]> {
  const entries = [...transfer.items]
    .map((item) => (item.kind === 'file' ? item.webkitGetAsEntry?.() : null))
    .filter((e): e is FileSystemEntry => Boolean(e));
  if (entries.length === 0) return [...transfer.files].map((file) => ({ path: file.name, file }));
  const out: PickedFile[] = [];
  for (const entry of entries) await walk(entry, out);
  return out;
}

async function walk(entry: FileSystemEntry, out: PickedFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ path: entry.fullPath.replace(/^\//, ''), file });
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries returns at most ~100 entries per call: keep reading until it returns none.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    for (const child of batch) await walk(child, out);
  }
}

/**
 * Files from an <input type="file"> (with or without webkitdirectory). Empties the picker: a browser fires no change
 * event when the same files are picked again, and picking them again (re-ingest a folder, retry an import) must work.
 */
export function filesFromInput(input: HTMLInputElement): PickedFile[] {
  const files = [...(input.files ?? [])].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
  input.value = '';
  return files;
}

/** Biggest single file read into memory: a long agent run is a few MB; anything far larger is not a trajectory. */
export const MAX_TEXT_FILE_BYTES = 64 * 1024 * 1024;

export interface ReadResult {
  name: string;
  text?: string;
  error?: string;
}

/** Reads picked files as text, one at a time (progress, cancel); a file too large is reported, not read. */
export async function readTextFiles(
  files: PickedFile[],
  options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<ReadResult[]> {
  const out: ReadResult[] = [];
  for (const { path, file } of files) {
    if (options.signal?.aborted) throw new DOMException('reading was cancelled', 'AbortError');
    if (file.size > MAX_TEXT_FILE_BYTES) {
      out.push({ name: path, error: `${path}: file is ${(file.size / 1e6).toFixed(0)} MB, more than the ${MAX_TEXT_FILE_BYTES / 1024 / 1024} MB limit` });
    } else {
      out.push({ name: path, text: await file.text() });
    }
    options.onProgress?.(out.length, files.length);
  }
  return out;
}
