"""Dagster's Dask executor, with its step arguments handed to Dask opaquely.

dagster-dask submits each step with the run and plan state as arguments. Recent Dask walks
every tuple among the arguments of a submitted task, looking for futures; Dagster's records are
tuples that forbid iteration, so the submission fails. Here the arguments travel inside one
opaque object; everything else (cluster choice and configuration, one Dask task per step, steps
ordered through their upstream futures) is dagster-dask's.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

import dagster as dg
import dask.distributed
from dagster_dask.executor import DaskExecutor, get_dask_resource_requirements, query_on_dask_worker
from dagster_dask.executor import dask_executor as _upstream


class _Packed:
    """Arguments Dask must carry without looking inside."""

    def __init__(self, *args: object) -> None:
        self.args = args


def _run_step(upstream: Sequence[object], packed: _Packed) -> Sequence[object]:
    # `upstream` holds the results of the steps this one depends on: Dask waits for them first.
    return query_on_dask_worker(upstream, *packed.args)


class OpaqueDaskExecutor(DaskExecutor):
    # `plan_context` and `execution_plan` are Dagster's orchestration objects, handed over by the
    # executor interface; only their public attributes are used.
    def execute(self, plan_context, execution_plan) -> Iterator[object]:
        if not plan_context.instance.is_persistent:
            raise dg.DagsterInvariantViolationError("Dask execution needs a persistent instance (set DAGSTER_HOME)")
        if self.cluster_type not in ("existing", "local"):  # the job-queue and cloud clusters: dagster-dask's own
            yield from super().execute(plan_context, execution_plan)
            return
        job_name = plan_context.job_name
        with contextlib.ExitStack() as stack:
            if self.cluster_type == "existing":
                cluster = self.cluster_configuration["address"]
            else:  # closed when the run ends, however it ends
                cluster = stack.enter_context(dask.distributed.LocalCluster(**self.build_dict(job_name)))
            client = stack.enter_context(dask.distributed.Client(cluster))
            futures: dict[str, dask.distributed.Future] = {}
            for level in execution_plan.get_steps_to_execute_by_level():
                for step in level:
                    upstream = [futures[key] for step_input in step.step_inputs for key in step_input.dependency_keys]
                    packed = _Packed(
                        plan_context.reconstructable_job,
                        plan_context.dagster_run,
                        plan_context.run_config,
                        [step.key],
                        plan_context.instance.get_ref(),
                        execution_plan.known_state,
                    )
                    futures[step.key] = client.submit(
                        _run_step,
                        upstream,
                        packed,
                        key=f"{job_name}.{step.key}",
                        resources=get_dask_resource_requirements(step.tags),
                    )
            for _, events in dask.distributed.as_completed(list(futures.values()), with_results=True):
                yield from events


def _create(init_context: dg.InitExecutorContext) -> OpaqueDaskExecutor:
    ((cluster_type, cluster_configuration),) = init_context.executor_config["cluster"].items()
    return OpaqueDaskExecutor(cluster_type, cluster_configuration)


# dagster-dask's configuration: `cluster: {local: {n_workers: 2}}` or `{existing: {address: ...}}`.
dask_executor = dg.ExecutorDefinition(
    name="dask",
    config_schema=_upstream.config_schema,
    requirements=dg.multiple_process_executor_requirements(),
    executor_creation_fn=_create,
    description=_upstream.description,
)
