import * as fs from 'fs';
import * as path from 'path';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { CloudFormationModel, NAME_PROPERTY, TemplateJson } from '../core/cloudformation-values';

/** One resource of a synthesized template, with the construct that produced it. */
export interface GraphResource {
  /** The template file, relative to the assembly (for example `Orders.template.json`). */
  readonly templateFile: string;
  readonly templatePath: string;
  readonly logicalId: string;
  readonly type: string;
  /** The resource's properties as CloudFormation receives them (escape hatches and overrides included). */
  readonly properties: Record<string, any>;
  /** The L1 construct, when the tree holds it (always, except for resources added to a template by hand). */
  readonly construct?: CfnResource;
}

/** What a reference in a template points to. */
export type Target =
  | { readonly resource: GraphResource; readonly external?: undefined }
  | { readonly resource?: undefined; readonly external: string };

interface LoadedTemplate {
  readonly file: string;
  readonly templatePath: string;
  readonly json: TemplateJson & { Outputs?: Record<string, { Value: unknown; Export?: { Name?: unknown } }> };
  readonly model: CloudFormationModel;
}

/**
 * The synthesized templates of an app as one graph: every resource, and the
 * resource each `Ref`, `Fn::GetAtt`, `Fn::ImportValue` or literal ARN points
 * to, across stacks. Rules read templates rather than construct properties so
 * that they judge what CloudFormation deploys, overrides included.
 */
export class ResourceGraph {
  /** The graph of the templates listed by a validation context. */
  public static fromTemplates(root: IConstruct, templatePaths: readonly string[]): ResourceGraph {
    const templates = templatePaths.map((templatePath) => {
      const json = JSON.parse(fs.readFileSync(templatePath, 'utf8'));
      json.Resources = json.Resources ?? {};
      return { file: path.basename(templatePath), templatePath, json, model: new CloudFormationModel(json) };
    });
    return new ResourceGraph(root, templates);
  }

  public readonly resources: GraphResource[];
  private readonly byFile = new Map<string, LoadedTemplate>();
  private readonly byKey = new Map<string, GraphResource>();
  private readonly memos = new Map<string, unknown>();

  private constructor(root: IConstruct, templates: LoadedTemplate[]) {
    const constructs = indexConstructs(root);
    this.resources = [];
    for (const template of templates) {
      this.byFile.set(template.file, template);
      for (const [logicalId, r] of Object.entries(template.json.Resources)) {
        const resource: GraphResource = {
          templateFile: template.file,
          templatePath: template.templatePath,
          logicalId,
          type: r.Type,
          properties: r.Properties ?? {},
          construct: constructs.get(key(template.file, logicalId)),
        };
        this.resources.push(resource);
        this.byKey.set(key(template.file, logicalId), resource);
      }
    }
  }

  /** Every resource of a CloudFormation type. */
  public ofType(type: string): GraphResource[] {
    return this.memo(`type:${type}`, () => this.resources.filter((r) => r.type === type));
  }

  /** Computes a value once per graph (an index that several rules read). */
  public memo<T>(name: string, compute: () => T): T {
    if (!this.memos.has(name)) {
      this.memos.set(name, compute());
    }
    return this.memos.get(name) as T;
  }

  /**
   * The resource a value of `from`'s template points to: a `Ref` or
   * `Fn::GetAtt`, an export of another stack, or a literal ARN, URL or name
   * matching a resource of the app with that physical name; otherwise an
   * `external` description (an imported resource, a parameter) that rules
   * must not judge.
   */
  public follow(from: GraphResource, value: unknown, type?: string): Target {
    const template = this.byFile.get(from.templateFile)!;
    const id = referencedLogicalId(value);
    if (id !== undefined) {
      const resource = this.byKey.get(key(template.file, id));
      return resource ? { resource } : { external: `the parameter ${id}` };
    }
    if (isObject(value) && 'Fn::ImportValue' in value) {
      const exported = this.exported(value['Fn::ImportValue']);
      if (!exported) {
        return { external: `the export ${JSON.stringify(value['Fn::ImportValue'])} of a stack outside this app` };
      }
      const producer = this.resources.find((r) => r.templateFile === exported.file);
      return producer ? this.follow(producer, exported.value, type) : { external: `the export ${JSON.stringify(value['Fn::ImportValue'])}` };
    }
    const literal = this.literal(from, value);
    if (literal !== undefined && type !== undefined) {
      const name = physicalNameIn(literal, type);
      const matches = name === undefined ? [] : this.ofType(type).filter((r) => this.literal(r, r.properties[NAME_PROPERTY[type]]) === name);
      if (matches.length === 1) {
        return { resource: matches[0] };
      }
      return { external: `${literal}, which is not a resource of this app` };
    }
    return { external: literal ?? 'a value only known at deployment' };
  }

  /** The string a value takes at deployment, or undefined when it depends on something the model does not know. */
  public evaluate(from: GraphResource, value: unknown): string | undefined {
    return this.evaluateIn(from.templateFile, value);
  }

  /** The physical name of a resource (the name its template gives, or a stand-in for the one CloudFormation generates). */
  public physicalName(resource: GraphResource): string | undefined {
    try {
      return this.byFile.get(resource.templateFile)!.model.physicalName(resource.logicalId);
    } catch {
      return undefined;
    }
  }

  /** Evaluates in one template, an export of another stack of the app (`Fn::ImportValue`) by the value it exports. */
  private evaluateIn(file: string, value: unknown): string | undefined {
    const withImports = this.replaceImports(value);
    if (withImports === undefined) {
      return undefined;
    }
    try {
      return this.byFile.get(file)!.model.evaluate(withImports);
    } catch {
      return undefined;
    }
  }

  /** The value with each `Fn::ImportValue` of an export of the app replaced by the string it exports; undefined when one cannot be. */
  private replaceImports(value: unknown): unknown {
    if (Array.isArray(value)) {
      const items = value.map((v) => this.replaceImports(v));
      return items.some((v) => v === undefined) ? undefined : items;
    }
    if (!isObject(value)) {
      return value;
    }
    if ('Fn::ImportValue' in value) {
      const exported = this.exported(value['Fn::ImportValue']);
      return exported ? this.evaluateIn(exported.file, exported.value) : undefined;
    }
    const entries = Object.entries(value).map(([k, v]) => [k, this.replaceImports(v)] as const);
    return entries.some(([, v]) => v === undefined) ? undefined : Object.fromEntries(entries);
  }

  /** The template and value of the output exported under `name`, among the templates of the app. */
  private exported(name: unknown): { file: string; value: unknown } | undefined {
    for (const other of this.byFile.values()) {
      for (const output of Object.values(other.json.Outputs ?? {})) {
        if (output.Export && JSON.stringify(output.Export.Name) === JSON.stringify(name)) {
          return { file: other.file, value: output.Value };
        }
      }
    }
    return undefined;
  }

  /** A value as a plain string when it holds no reference other than pseudo parameters. */
  private literal(from: GraphResource, value: unknown): string | undefined {
    if (typeof value === 'string') {
      return value;
    }
    if (JSON.stringify(value ?? null).match(/"(Ref|Fn::GetAtt)":"?\[?"(?!AWS::)/)) {
      return undefined;
    }
    return this.evaluate(from, value);
  }
}

/** The logical id a `Ref` or `Fn::GetAtt` names, or undefined. */
export function referencedLogicalId(value: unknown): string | undefined {
  if (!isObject(value)) {
    return undefined;
  }
  if (typeof value.Ref === 'string' && !value.Ref.startsWith('AWS::')) {
    return value.Ref;
  }
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') {
    return getAtt[0];
  }
  if (typeof getAtt === 'string') {
    return getAtt.split('.')[0];
  }
  return undefined;
}

/** The name part of an ARN, queue URL or plain name of a resource of `type`. */
function physicalNameIn(value: string, type: string): string | undefined {
  if (value.startsWith('https://')) {
    return value.split('/').pop();
  }
  if (!value.startsWith('arn:')) {
    return value;
  }
  const resource = value.split(':').slice(5).join(':');
  switch (type) {
    case 'AWS::Lambda::Function':
      return resource.split(':')[1];
    case 'AWS::Kinesis::Stream':
    case 'AWS::DynamoDB::Table':
    case 'AWS::Events::EventBus':
    case 'AWS::Events::Rule':
      return resource.split('/').pop();
    default:
      return resource;
  }
}

function indexConstructs(root: IConstruct): Map<string, CfnResource> {
  const map = new Map<string, CfnResource>();
  for (const c of root.node.findAll()) {
    if (CfnResource.isCfnResource(c)) {
      const stack = Stack.of(c);
      map.set(key(stack.templateFile, stack.resolve(c.logicalId)), c);
    }
  }
  return map;
}

function key(file: string, logicalId: string): string {
  return `${file}\u0000${logicalId}`;
}

export function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
