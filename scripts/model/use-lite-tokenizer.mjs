// tokenizer.json / tokenizer_config.json that make transformers.js tokenize like the reference USE tokenizer
// (@energetic-ai/embeddings: NFKC, "▁" + text with spaces → "▁", Viterbi over [piece, score] pairs, consecutive
// unknowns merged, no BOS/EOS).
//
// Differences the reference forces us to mirror:
//  - ids 0–5 ("�" = unknown, "<s>", "</s>", extra_token_id_1..3) are never produced by the reference's lattice (it skips
//    them), so they get a score far below any real piece; transformers.js then scores unknowns at min − 10.
//  - 7 pieces have a null score: the reference adds null as 0, so 0 here.
//  - The reference always prepends "▁" (also before a leading space): a Prepend normalizer, not Metaspace's
//    add_prefix_space (which skips it when the text already starts with a space).
// Known remaining differences: ties and zero-score paths in the reference's Viterbi (it lets a later candidate
// replace a best score of exactly 0), unknown characters next to pieces that could span them, and the empty string
// (reference: no tokens; here: "▁").
export const RESERVED_IDS = 6;
const RESERVED_SCORE = -1000;

export function useLiteTokenizer(vocab, { maxLength }) {
  const pieces = vocab.map(([piece, score], id) => [piece, id < RESERVED_IDS ? RESERVED_SCORE : (score ?? 0)]);
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'NFKC' },
        { type: 'Prepend', prepend: '▁' },
        { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
      ],
    },
    pre_tokenizer: null,
    post_processor: null,
    decoder: { type: 'Metaspace', replacement: '▁', add_prefix_space: true, prepend_scheme: 'always' },
    model: { type: 'Unigram', unk_id: 0, vocab: pieces, byte_fallback: false },
  };
  const tokenizerConfig = {
    tokenizer_class: 'PreTrainedTokenizerFast',
    model_max_length: maxLength,
    // Padding must be an existing piece; padded positions are masked out by attention_mask anyway.
    pad_token: vocab[1][0],
    unk_token: vocab[0][0],
    clean_up_tokenization_spaces: false,
    add_bos_token: false,
    add_eos_token: false,
  };
  return { tokenizer, tokenizerConfig };
}
