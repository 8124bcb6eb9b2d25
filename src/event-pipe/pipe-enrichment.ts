import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { EventPipe } from './event-pipe';
import { validateInputTemplate } from './input-template';
import { PipeEnrichmentBinding } from './pipe-settings';
import { grantInvokeFunction } from '../core/grants';
import { PropsValidator } from '../core/validation';
import { consumerTimeout } from '../queue-with-dlq/validate-queue-with-dlq-props';

/**
 * Options of every pipe enrichment.
 */
export interface PipeEnrichmentOptions {
  /**
   * What the enrichment receives for each record instead of the record
   * itself: JSON or text with `<$.path>` placeholders, for example
   * `{"orderId": <$.body.orderId>}`, at most 8,192 characters.
   *
   * @default - the records of the batch
   */
  readonly inputTemplate?: string;
}

/**
 * Options of an API destination enrichment.
 */
export interface ApiDestinationEnrichmentOptions extends PipeEnrichmentOptions {
  /**
   * Headers of the request: fixed values or JSON paths of the record.
   *
   * @default - none
   */
  readonly headerParameters?: { [name: string]: string };

  /**
   * Query string parameters of the request: fixed values or JSON paths of the record.
   *
   * @default - none
   */
  readonly queryStringParameters?: { [name: string]: string };

  /**
   * The values of the path's `*` wildcards, in order.
   *
   * @default - none
   */
  readonly pathParameterValues?: string[];
}

/**
 * What an EventPipe calls on each batch before its target, to add data to the
 * records. Pipes always waits for it ("EventBridge invokes enrichments
 * synchronously", EventBridge User Guide, "Event enrichment in Amazon
 * EventBridge Pipes"): an enrichment that fails fails the batch, which is
 * retried; one that returns nothing (`[]`) skips the target for the batch.
 * Use the static factories.
 */
export abstract class PipeEnrichment {
  /** A Lambda function: it receives the batch as a JSON array and returns the enriched records. */
  public static lambdaFunction(fn: lambda.IFunction, options: PipeEnrichmentOptions = {}): PipeEnrichment {
    return new FunctionEnrichment(fn, options);
  }

  /**
   * An express state machine, run with `StartSyncExecution`. Pipes takes
   * only express workflows as enrichments.
   */
  public static stateMachine(stateMachine: sfn.IStateMachine, options: PipeEnrichmentOptions = {}): PipeEnrichment {
    return new StateMachineEnrichment(stateMachine, options);
  }

  /**
   * An API destination (an HTTPS endpoint with its connection's
   * credentials). Pipes calls it once per record: the batch size is 1.
   */
  public static apiDestination(destination: events.IApiDestination, options: ApiDestinationEnrichmentOptions = {}): PipeEnrichment {
    return new ApiDestinationEnrichment(destination, options);
  }

  /** The input template given in the options. @internal */
  protected readonly _inputTemplate?: string;

  protected constructor(options: PipeEnrichmentOptions) {
    this._inputTemplate = options.inputTemplate;
  }

  /** The batch size the enrichment requires, if it requires one. @internal */
  public get _requiredBatchSize(): number | undefined {
    return undefined;
  }

  /** How long the enrichment may take on a batch, when known at synth (a Lambda function of this app). @internal */
  public get _timeout(): Duration | undefined {
    return undefined;
  }

  /** Records the problems of the enrichment's options. @internal */
  public _validate(v: PropsValidator, _pipe: EventPipe): void {
    validateInputTemplate(v, 'enrichment.inputTemplate', this._inputTemplate);
  }

  /** Lets the pipe's role call the enrichment, and returns its ARN and parameters. @internal */
  public abstract _bind(pipe: EventPipe): PipeEnrichmentBinding;
}

class FunctionEnrichment extends PipeEnrichment {
  constructor(private readonly fn: lambda.IFunction, options: PipeEnrichmentOptions) {
    super(options);
  }

  public get _timeout(): Duration | undefined {
    return consumerTimeout(this.fn);
  }

  public _bind(pipe: EventPipe): PipeEnrichmentBinding {
    grantInvokeFunction(this.fn, pipe.role);
    return { arn: this.fn.functionArn, parameters: { inputTemplate: this._inputTemplate } };
  }
}

class StateMachineEnrichment extends PipeEnrichment {
  constructor(private readonly stateMachine: sfn.IStateMachine, options: PipeEnrichmentOptions) {
    super(options);
  }

  public _validate(v: PropsValidator, pipe: EventPipe): void {
    super._validate(v, pipe);
    const sm = this.stateMachine;
    v.fail(
      sm instanceof sfn.StateMachine && sm.stateMachineType !== sfn.StateMachineType.EXPRESS,
      `enrichment (state machine ${sm.node.path}) must be an express workflow: "EventBridge Pipes only supports Express workflows as enrichments" ` +
        '(EventBridge User Guide, "Event enrichment"), and stops a pipe enriched by a standard one; got a STANDARD state machine',
    );
  }

  public _bind(pipe: EventPipe): PipeEnrichmentBinding {
    this.stateMachine.grantStartSyncExecution(pipe.role);
    return { arn: this.stateMachine.stateMachineArn, parameters: { inputTemplate: this._inputTemplate } };
  }
}

class ApiDestinationEnrichment extends PipeEnrichment {
  constructor(private readonly destination: events.IApiDestination, private readonly options: ApiDestinationEnrichmentOptions) {
    super(options);
  }

  /** "EventBridge validates that the batch size for API Gateway and API destination enrichments is 1" (EventBridge User Guide, "Amazon EventBridge Pipes"). */
  public get _requiredBatchSize(): number {
    return 1;
  }

  public _bind(pipe: EventPipe): PipeEnrichmentBinding {
    pipe.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['events:InvokeApiDestination'], resources: [this.destination.apiDestinationArn] }));
    const { headerParameters, queryStringParameters, pathParameterValues } = this.options;
    const http = headerParameters || queryStringParameters || pathParameterValues
      ? { headerParameters, queryStringParameters, pathParameterValues }
      : undefined;
    return { arn: this.destination.apiDestinationArn, parameters: { inputTemplate: this._inputTemplate, httpParameters: http } };
  }
}
