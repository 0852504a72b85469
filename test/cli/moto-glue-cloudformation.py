"""moto_server, with CloudFormation support for AWS::Glue::Connection and AWS::Glue::Job.

moto's CloudFormation skips Glue resource types ("No Moto CloudFormation support"). The drift
tests deploy an app's template through CloudFormation, Glue job and connections included, so
this adds the two types on top of moto's own Glue backend: CreateStack creates them with the
Glue API's semantics, names a job without `Name` as CloudFormation does (`Stack-LogicalId-XXXX`),
and ListStackResources returns the job's and the connection's name as their physical ids, as AWS
does. Everything else is moto unchanged.
"""
import sys

from moto.core.common_models import CloudFormationModel
from moto.glue.models import glue_backends
from moto.server import main


class GlueConnection(CloudFormationModel):
    __module__ = "moto.glue.models"  # moto's model registry reads the service from the module name

    def __init__(self, name):
        self.name = name

    @staticmethod
    def cloudformation_name_type():
        return ""  # the name is ConnectionInput.Name

    @staticmethod
    def cloudformation_type():
        return "AWS::Glue::Connection"

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        properties = cloudformation_json["Properties"]
        connection_input = dict(properties["ConnectionInput"])
        connection_input.setdefault("Name", resource_name)
        glue_backends[account_id][region_name].create_connection(properties.get("CatalogId", account_id), connection_input, {})
        return cls(connection_input["Name"])

    @property
    def physical_resource_id(self):
        return self.name


class GlueJob(CloudFormationModel):
    __module__ = "moto.glue.models"  # moto's model registry reads the service from the module name

    def __init__(self, name):
        self.name = name

    @staticmethod
    def cloudformation_name_type():
        return "Name"

    @staticmethod
    def cloudformation_type():
        return "AWS::Glue::Job"

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        p = cloudformation_json["Properties"]
        glue_backends[account_id][region_name].create_job(
            name=resource_name, role=p.get("Role"), command=p.get("Command"), description=p.get("Description"),
            log_uri=p.get("LogUri"), execution_property=p.get("ExecutionProperty"), default_arguments=p.get("DefaultArguments"),
            non_overridable_arguments=p.get("NonOverridableArguments"), connections=p.get("Connections"),
            max_retries=p.get("MaxRetries"), allocated_capacity=p.get("AllocatedCapacity"), timeout=p.get("Timeout"),
            max_capacity=p.get("MaxCapacity"), security_configuration=p.get("SecurityConfiguration"), tags={},
            notification_property=p.get("NotificationProperty"), glue_version=p.get("GlueVersion"),
            number_of_workers=p.get("NumberOfWorkers"), worker_type=p.get("WorkerType"),
            code_gen_configuration_nodes=None, execution_class=p.get("ExecutionClass"), source_control_details=None,
        )
        return cls(resource_name)

    @property
    def physical_resource_id(self):
        return self.name


if __name__ == "__main__":
    main(sys.argv[1:])
