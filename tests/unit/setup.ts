// IndexedDB for Node: the store adapter runs unchanged against fake-indexeddb in unit tests.
import 'fake-indexeddb/auto';
