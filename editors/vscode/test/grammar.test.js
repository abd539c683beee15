// Tokenizes policy lines with the engine VS Code uses (vscode-textmate + vscode-oniguruma) and checks
// the scope of each interesting token. Run: npm install && npm test
"use strict";

const fs = require("fs");
const path = require("path");
const assert = require("assert");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const wasm = fs.readFileSync(path.join(path.dirname(require.resolve("vscode-oniguruma")), "onig.wasm"));

const CASES = [
  // [line, token text, expected scope (the innermost, must start with it)]
  ['policy ENT "委託・再委託・クラウド" {', "policy", "keyword.other.declaration.pia"],
  ['policy ENT "委託・再委託・クラウド" {', "ENT", "entity.name.namespace.policy.pia"],
  ['policy ENT "委託・再委託・クラウド" {', "委託・再委託・クラウド", "string.quoted.double.pia"],
  ['rule CLOUD-001 "クラウド" {', "CLOUD-001", "entity.name.function.rule-id.pia"],
  ["term 再委託する = 再委託の有無 == \"再委託する\"", "再委託する", "variable.other.definition.term.pia"],
  ["term 再委託する = 再委託の有無 == \"再委託する\"", "==", "keyword.operator.comparison.pia"],
  ["const 見直しの目安 = 1 year", "見直しの目安", "variable.other.constant.definition.pia"],
  ["const 見直しの目安 = 1 year", "1 year", "constant.numeric.duration.pia"],
  ['matcher domestic storage "日本国内" = matches "(日本)?国内"', "domestic storage", "entity.name.function.matcher.pia"],
  ["  severity warning", "warning", "constant.language.severity.pia"],
  ["  for each ファイル in 特定個人情報ファイル", "for", "keyword.control.pia"],
  ["  for each ファイル in 特定個人情報ファイル", "in", "keyword.control.pia"],
  ["  effective from 令和3年9月1日 until 2099-12-31", "令和3年9月1日", "constant.other.date.pia"],
  ["  effective from 令和3年9月1日 until 2099-12-31", "2099-12-31", "constant.other.date.pia"],
  ["  require 公表日 - 5 years <= 基準日", "5 years", "constant.numeric.duration.pia"],
  ["  require 公表日 - 6か月 <= 基準日", "6か月", "constant.numeric.duration.pia"],
  ["  require 基準日 is present", "基準日", "variable.language.pia"],
  ["  require count(ファイル.委託.委託事項) >= 1,000", "count", "support.function.builtin.pia"],
  ["  require count(ファイル.委託.委託事項) >= 1,000", "1,000", "constant.numeric.pia"],
  ["  require count x in 変更箇所 where x.提出時期 == 「事前」", "count", "keyword.operator.word.pia"],
  ["  require count x in 変更箇所 where x.提出時期 == 「事前」", "事前", "string.quoted.other.japanese.pia"],
  ['  message "{ファイル.ファイル名} 委託事項{委託.番号}: {{括弧}}"', "ファイル.ファイル名", "variable.other.placeholder.pia"],
  ['  message "{ファイル.ファイル名} 委託事項{委託.番号}: {{括弧}}"', "{{", "constant.character.escape.pia"],
  ["  message 「{行.変更日} の行」", "行.変更日", "variable.other.placeholder.pia"],
  ["  when 許諾方法 matches クラウド and not 再委託する   # コメント ENT-001", "# コメント ENT-001", "comment.line.number-sign.pia"],
  ["  when 許諾方法 matches クラウド and not 再委託する", "not", "keyword.operator.logical.pia"],
  ["  when 許諾方法 matches クラウド and not 再委託する", "matches", "keyword.operator.word.pia"],
  ["  再委託する requires 許諾方法 with 書面 and 許諾", "requires", "keyword.control.pia"],
  ["  require as_of is present", "as_of", "variable.language.pia"],
  ["  require 文書.基本情報 is not empty", "文書", "variable.language.pia"],
  ['  message "閉じていない', "閉じていない", "string.quoted.double.pia"],
  ["  require 特定個人情報ファイル[0].委託 is present", "0", "constant.numeric.pia"],
];

async function main() {
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async () =>
      vsctm.parseRawGrammar(fs.readFileSync(path.join(__dirname, "..", "syntaxes", "pia.tmLanguage.json"), "utf8"), "pia.tmLanguage.json"),
  });
  const grammar = await registry.loadGrammar("source.pia");
  let failures = 0;
  for (const [line, text, scope] of CASES) {
    const { tokens } = grammar.tokenizeLine(line, vsctm.INITIAL);
    const token = tokens.find((t) => line.slice(t.startIndex, t.endIndex) === text);
    const scopes = token ? token.scopes : [];
    const ok = scopes.some((s) => s.startsWith(scope));
    if (!ok) {
      failures++;
      const seen = tokens.map((t) => `${JSON.stringify(line.slice(t.startIndex, t.endIndex))}:${t.scopes.slice(1).join(",")}`);
      console.error(`FAIL ${JSON.stringify(text)} in ${JSON.stringify(line)}: want ${scope}\n  got ${seen.join(" | ")}`);
    }
  }
  console.log(`${CASES.length - failures} passed, ${failures} failed`);
  process.exit(failures ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
