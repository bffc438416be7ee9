// Reads Blobs' bytes off the page's main thread and hands the buffers back transferred, not copied (read-blobs.ts).
import type { ReadBlobsReply } from './read-blobs';

self.onmessage = async (event: MessageEvent<Blob[]>) => {
  const post = (reply: ReadBlobsReply, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(reply, transfer);
  try {
    const buffers = await Promise.all(event.data.map((blob) => blob.arrayBuffer()));
    post({ buffers }, buffers);
  } catch (e) {
    const error = e as Error | undefined;
    post({ error: { name: String(error?.name ?? 'Error'), message: String(error?.message ?? e) } });
  }
};
