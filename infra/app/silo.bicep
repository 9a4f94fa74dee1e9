metadata description = 'One Orleans silo: a Container App with exactly one replica, TCP ingress for the silo and gateway ports and the REST API port.'

@description('Container App name.')
@minLength(2)
@maxLength(32)
param name string

@description('Azure region of the app.')
param location string

@description('Tags applied to the app.')
param tags object

@description('Resource id of the Container Apps managed environment.')
param environmentId string

@description('Private static IP of the (internal) managed environment; the silo advertises it to its peers and clients.')
param environmentStaticIp string

@description('Container image of the silo.')
param image string

@description('Resource id of the user-assigned identity the silo runs as.')
param identityId string

@description('Client id of that identity, exported as AZURE_CLIENT_ID for DefaultAzureCredential.')
param identityClientId string

@description('Login server of the registry the image is pulled from with the identity.')
param registryServer string

@description('Blob service endpoint of the GrainFlow storage account.')
param blobEndpoint string

@description('Table service endpoint of the GrainFlow storage account; Orleans keeps the cluster membership there.')
param tableEndpoint string

@description('Port on the environment static IP that reaches this silo\'s silo-to-silo endpoint; unique per silo.')
@minValue(1024)
@maxValue(65535)
param advertisedSiloPort int

@description('Port on the environment static IP that reaches this silo\'s client gateway; unique per silo.')
@minValue(1024)
@maxValue(65535)
param advertisedGatewayPort int

@description('Port the REST API is exposed on.')
@minValue(1024)
@maxValue(65535)
param restApiExposedPort int

@description('When true the REST API is reachable from the virtual network; otherwise only from apps in the environment.')
param restApiVnetAccess bool = false

@description('vCPU of the silo container.')
param cpu string = '1.0'

@description('Memory of the silo container.')
param memory string = '2Gi'

// Ports the silo process listens on inside the container.
var siloListenPort = 11111
var gatewayListenPort = 30000
var restApiListenPort = 8081

resource silo 'Microsoft.App/containerApps@2025-01-01' = {
  name: name
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: environmentId
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      // Main ingress: Orleans silo-to-silo TCP. external = reachable on the environment's private static IP
      // (the environment is internal, so this never means the internet); Orleans advertises staticIp:advertisedSiloPort.
      ingress: {
        external: true
        transport: 'tcp'
        targetPort: siloListenPort
        exposedPort: advertisedSiloPort
        additionalPortMappings: [
          {
            external: true
            targetPort: gatewayListenPort
            exposedPort: advertisedGatewayPort
          }
          {
            external: restApiVnetAccess
            targetPort: restApiListenPort
            exposedPort: restApiExposedPort
          }
        ]
      }
      registries: [
        {
          server: registryServer
          identity: identityId
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'silo'
          image: image
          resources: {
            cpu: json(cpu)
            memory: memory
          }
          env: [
            {
              name: 'GrainFlow__grainflow.storage.type'
              value: 'azure-blob'
            }
            {
              name: 'GrainFlow__grainflow.storage.azure.service-uri'
              value: blobEndpoint
            }
            {
              name: 'GrainFlow__grainflow.cluster.type'
              value: 'azure-storage'
            }
            {
              // Signed in with the silo identity (DefaultAzureCredential, AZURE_CLIENT_ID): no key anywhere.
              name: 'GrainFlow__grainflow.cluster.azure.service-uri'
              value: tableEndpoint
            }
            {
              name: 'GrainFlow__grainflow.cluster.advertised-ip'
              value: environmentStaticIp
            }
            {
              name: 'GrainFlow__grainflow.cluster.advertised-silo-port'
              value: string(advertisedSiloPort)
            }
            {
              name: 'GrainFlow__grainflow.cluster.advertised-gateway-port'
              value: string(advertisedGatewayPort)
            }
            {
              name: 'AZURE_CLIENT_ID'
              value: identityClientId
            }
          ]
        }
      ]
      // Exactly one replica: each silo has its own advertised endpoint, so a silo is never scaled out or to zero.
      scale: {
        minReplicas: 1
        maxReplicas: 1
      }
    }
  }
}

output name string = silo.name
output id string = silo.id
