// Parses sh/bash with tree-sitter-bash (WASM, offline) and converts its syntax tree into the ShellScript
// model. Loading the grammar is the only I/O; the returned parser is synchronous and pure.
import { createRequire } from 'node:module';
import { Language, Parser, type Node } from 'web-tree-sitter';
import type { Redirect, ShellNode, ShellParser, ShellScript, Word, WordPart } from './shell-ast.js';

const SKIP = new Set(['comment', ';', ';;', '&', '\n', 'heredoc_body', 'heredoc_end', 'heredoc_start', 'then', 'fi', 'do', 'done', 'else', 'elif', 'esac', 'in', '{', '}', '(', ')']);
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', e: '\x1b', '0': '\0' };

function unescapeBare(text: string): string {
  return text.replace(/\\(.)/gs, (_, c: string) => (c === '\n' ? '' : c));
}

class Converter {
  readonly errors: string[] = [];

  statements(nodes: Node[]): ShellNode[] {
    const out: ShellNode[] = [];
    for (const node of nodes) {
      if (SKIP.has(node.type) || !node.isNamed) {
        const last = out[out.length - 1];
        if (node.type === '&' && last?.kind === 'command') last.isBackground = true;
        continue;
      }
      out.push(this.statement(node));
    }
    return out;
  }

  private statement(node: Node): ShellNode {
    switch (node.type) {
      case 'command':
        return this.command(node);
      case 'redirected_statement':
        return this.redirected(node);
      case 'pipeline':
        return { kind: 'pipeline', commands: this.statements(node.namedChildren.filter((c): c is Node => !!c)) };
      case 'list': {
        const [left, right] = [node.namedChildren[0], node.namedChildren[node.namedChildren.length - 1]];
        const op = node.children.find((c) => c?.type === '&&' || c?.type === '||')?.type;
        if (!left || !right || !op) return this.unsupported(node, 'a list the model cannot read');
        return { kind: op === '&&' ? 'and' : 'or', left: this.statement(left), right: this.statement(right) };
      }
      case 'subshell':
        return { kind: 'subshell', body: this.statements(this.kids(node)), redirects: [] };
      case 'compound_statement':
      case 'do_group':
        return { kind: 'group', body: this.statements(this.kids(node)), redirects: [] };
      case 'negated_command':
        return { kind: 'group', body: this.statements(this.kids(node).filter((c) => c.type !== '!')), redirects: [] };
      case 'variable_assignment':
        return { kind: 'command', assignments: [this.assignment(node)], words: [], redirects: [] };
      case 'declaration_command':
      case 'unset_command':
        return this.declaration(node);
      case 'test_command':
        return { kind: 'command', assignments: [], words: [{ parts: [{ kind: 'text', text: 'test' }], source: 'test' }, ...this.wordsIn(node)], redirects: [] };
      case 'for_statement':
        return this.forLoop(node);
      case 'while_statement':
      case 'until_statement':
        return { kind: 'group', body: this.statements(this.kids(node)), redirects: [], note: `${node.type.split('_')[0]} loop: condition and body emulated once` };
      case 'if_statement':
        return this.conditional(node, 'if: every branch emulated (Falco sees only the one taken)');
      case 'case_statement':
        return this.conditional(node, 'case: every branch emulated (Falco sees only the one taken)');
      case 'function_definition': {
        const body = node.childForFieldName('body');
        return { kind: 'function', name: node.childForFieldName('name')?.text ?? '', body: body ? [this.statement(body)] : [] };
      }
      default:
        return this.unsupported(node, `${node.type.replace(/_/g, ' ')} not modeled`);
    }
  }

  private kids(node: Node): Node[] {
    return node.children.filter((c): c is Node => !!c);
  }

  private conditional(node: Node, note: string): ShellNode {
    const body: ShellNode[] = [];
    for (const child of this.kids(node)) {
      if (['elif_clause', 'else_clause', 'case_item'].includes(child.type)) body.push(...this.statements(this.kids(child).filter((c) => c.type !== 'extglob_pattern' && child.childForFieldName('value')?.id !== c.id)));
      else if (child.type !== 'if' && child.type !== 'case' && node.childForFieldName('value')?.id !== child.id) body.push(...this.statements([child]));
    }
    return { kind: 'group', body, redirects: [], note };
  }

  private unsupported(node: Node, why: string): ShellNode {
    return { kind: 'unsupported', source: node.text.slice(0, 200), why };
  }

  private forLoop(node: Node): ShellNode {
    const variable = node.childForFieldName('variable')?.text;
    const body = node.childForFieldName('body');
    if (!variable || !body) return this.unsupported(node, 'a for loop the model cannot read');
    const values = node.childrenForFieldName('value').filter((c): c is Node => !!c).map((c) => this.word(c));
    return { kind: 'for', variable, values, body: [this.statement(body)] };
  }

  private declaration(node: Node): ShellNode {
    const keyword = node.children[0]?.text ?? 'export';
    const assignments = this.kids(node).filter((c) => c.type === 'variable_assignment').map((c) => this.assignment(c));
    const words = [{ parts: [{ kind: 'text' as const, text: keyword }], source: keyword }, ...this.kids(node).filter((c) => c.type !== 'variable_assignment' && c !== node.children[0]).map((c) => this.word(c))];
    return { kind: 'command', assignments, words, redirects: [] };
  }

  private assignment(node: Node): { name: string; value?: Word } {
    const value = node.childForFieldName('value');
    return { name: node.childForFieldName('name')?.text ?? '', ...(value ? { value: this.word(value) } : {}) };
  }

  private command(node: Node): ShellNode {
    const assignments: { name: string; value?: Word }[] = [];
    const words: Word[] = [];
    const redirects: Redirect[] = [];
    for (const child of this.kids(node)) {
      if (child.type === 'variable_assignment') assignments.push(this.assignment(child));
      else if (child.type === 'command_name') words.push(this.word(child.namedChildren[0] ?? child));
      else if (child.type.endsWith('_redirect')) redirects.push(...this.redirect(child));
      else if (child.isNamed) words.push(this.word(child));
    }
    return { kind: 'command', assignments, words, redirects };
  }

  private redirected(node: Node): ShellNode {
    const body = node.childForFieldName('body');
    const inner: ShellNode = body ? this.statement(body) : { kind: 'command', assignments: [], words: [], redirects: [] };
    const redirects: Redirect[] = [];
    const after: ShellNode[] = [];
    for (const child of node.childrenForFieldName('redirect').filter((c): c is Node => !!c)) {
      redirects.push(...this.redirect(child));
      // tree-sitter nests what follows a heredoc's start on its line (`cat <<EOF | sh`) inside the heredoc node.
      for (const nested of this.kids(child)) if (['pipeline', 'list', 'command'].includes(nested.type)) after.push(this.statement(nested));
    }
    if ('redirects' in inner) inner.redirects.push(...redirects);
    const piped = after.find((a) => a.kind === 'pipeline');
    if (piped?.kind === 'pipeline') return { kind: 'pipeline', commands: [inner, ...piped.commands] };
    return after.length > 0 ? { kind: 'group', body: [inner, ...after], redirects: [] } : inner;
  }

  private redirect(node: Node): Redirect[] {
    const fdText = node.childForFieldName('descriptor')?.text;
    const fd = fdText !== undefined ? Number(fdText) : undefined;
    const op = node.children.find((c) => c && !c.isNamed && /^[<>&|]+-?$/.test(c.type))?.type ?? '>';
    if (node.type === 'heredoc_redirect') {
      const bodyNode = this.kids(node).find((c) => c.type === 'heredoc_body');
      const start = this.kids(node).find((c) => c.type === 'heredoc_start')?.text ?? '';
      const isQuoted = /['"\\]/.test(start);
      const nested = this.kids(node).filter((c) => c.type === 'file_redirect').flatMap((c) => this.redirect(c));
      const body = bodyNode ? (isQuoted ? { parts: [{ kind: 'text' as const, text: bodyNode.text }], source: bodyNode.text } : this.word(bodyNode)) : { parts: [], source: '' };
      return [{ op: '<<', body }, ...nested];
    }
    if (node.type === 'herestring_redirect') {
      const value = node.namedChildren[0];
      return [{ op: '<<<', ...(value ? { body: this.word(value) } : {}) }];
    }
    const destination = node.childForFieldName('destination') ?? node.namedChildren[node.namedChildren.length - 1];
    return [{ op, ...(fd !== undefined && !Number.isNaN(fd) ? { fd } : {}), ...(destination ? { target: this.word(destination) } : {}) }];
  }

  private wordsIn(node: Node): Word[] {
    const words: Word[] = [];
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (['word', 'string', 'raw_string', 'simple_expansion', 'expansion', 'command_substitution', 'concatenation', 'number', 'test_operator'].includes(child.type)) words.push(this.word(child));
      else words.push(...this.wordsIn(child));
    }
    return words;
  }

  word(node: Node): Word {
    return { parts: this.parts(node), source: node.text };
  }

  private parts(node: Node): WordPart[] {
    switch (node.type) {
      case 'word':
      case 'number':
      case 'variable_name':
      case 'extglob_pattern':
      case 'test_operator':
        return [{ kind: 'text', text: unescapeBare(node.text) }];
      case 'raw_string':
        return [{ kind: 'text', text: node.text.slice(1, -1) }];
      case 'ansi_c_string':
        return [{ kind: 'text', text: node.text.slice(2, -1).replace(/\\(.)/gs, (_, c: string) => ESCAPES[c] ?? `\\${c}`) }];
      case 'string_content':
      case 'heredoc_content':
        return [{ kind: 'text', text: node.text.replace(/\\([$`"\\\n])/g, (_, c: string) => (c === '\n' ? '' : c)) }];
      case 'simple_expansion':
      case 'expansion':
        return this.expansion(node);
      case 'command_substitution':
      case 'process_substitution':
        return [{ kind: 'subst', body: this.statements(this.kids(node)), source: node.text }];
      case 'string':
      case 'concatenation':
      case 'heredoc_body':
        return this.stringParts(node);
      default:
        return [{ kind: 'opaque', source: node.text, why: `${node.type.replace(/_/g, ' ')} not expanded` }];
    }
  }

  /** The parts of a "string" or a heredoc body: its children, with the text between them kept as written. */
  private stringParts(node: Node): WordPart[] {
    const out: WordPart[] = [];
    let offset = node.startIndex + (node.type === 'string' ? 1 : 0);
    const end = node.endIndex - (node.type === 'string' ? 1 : 0);
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (child.startIndex > offset) out.push(...this.parts({ type: 'string_content', text: node.tree.rootNode.text.slice(offset, child.startIndex) } as Node));
      out.push(...this.parts(child));
      offset = child.endIndex;
    }
    if (end > offset) out.push(...this.parts({ type: 'string_content', text: node.tree.rootNode.text.slice(offset, end) } as Node));
    return out;
  }

  private expansion(node: Node): WordPart[] {
    const name = node.namedChildren.find((c) => c?.type === 'variable_name' || c?.type === 'special_variable_name');
    const text = node.text.trimStart();
    // Inside a string tree-sitter may start the node at the whitespace before the `$`.
    const lead: WordPart[] = text.length < node.text.length ? [{ kind: 'text', text: node.text.slice(0, node.text.length - text.length) }] : [];
    const isPlain = node.type === 'simple_expansion' || /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(text);
    if (!name || !isPlain) return [...lead, { kind: 'opaque', source: text, why: 'parameter expansion with an operator not expanded' }];
    return [...lead, { kind: 'var', name: name.text }];
  }
}

function collectErrors(node: Node, errors: string[]): void {
  if (node.type === 'ERROR' || node.isMissing) errors.push(`shell syntax error near line ${node.startPosition.row + 1}: ${node.text.slice(0, 60)}`);
  else if (node.hasError) for (const child of node.children) if (child) collectErrors(child, errors);
}

/** Loads the bash grammar (WASM) once and returns a synchronous parser. */
export async function loadShellParser(): Promise<ShellParser> {
  const require = createRequire(import.meta.url);
  await Parser.init();
  const language = await Language.load(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
  const parser = new Parser();
  parser.setLanguage(language);
  return (script: string): ShellScript => {
    const tree = parser.parse(script);
    if (!tree) return { statements: [], errors: ['the shell parser returned nothing'] };
    try {
      const converter = new Converter();
      const errors: string[] = [];
      collectErrors(tree.rootNode, errors);
      return { statements: converter.statements(tree.rootNode.children.filter((c): c is Node => !!c && c.type !== 'ERROR')), errors: [...errors, ...converter.errors] };
    } finally {
      tree.delete();
    }
  };
}
