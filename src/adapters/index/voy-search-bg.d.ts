// Types for voy-search's wasm-bindgen glue, imported directly so we can hand it a wasm instance that
// Vite's `?init` loader created (the package entry imports the .wasm as an ES module, which only
// bundlers with wasm-ESM integration understand).
declare module 'voy-search/voy_search_bg.js' {
  export * from 'voy-search';
  export function __wbg_set_wasm(exports: WebAssembly.Exports): void;
}
