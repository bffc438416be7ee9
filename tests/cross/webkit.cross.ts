import { crossScenario } from './scenario';
import { openWebKit } from './webkit';

// WebKit's automation sessions refuse Blobs in IndexedDB (as Safari's private windows do): the store falls back.
crossScenario(openWebKit, { storage: 'arraybuffer', restart: false });
