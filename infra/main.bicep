targetScope = 'subscription'

metadata description = 'GrainFlow on Azure: blob storage, Azure Table clustering and siloCount Orleans silos, each its own single-replica Container App.'

@description('Name of the azd environment; names the resource group and seeds the resource token.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Azure region of every resource.')
@minLength(1)
param location string

@description('Object id of the deploying principal; granted Storage Blob and Table Data Contributor on the account when set.')
param principalId string = ''

@description('Type of principalId.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param principalType string = 'User'

@description('Number of silos; each is a separate Container App with exactly one replica.')
@minValue(1)
@maxValue(20)
param siloCount int = 2

@description('Container image of the silo (azd sets SERVICE_SILO_IMAGE_NAME after the first deploy).')
@minLength(1)
param siloImage string

@description('When true the REST API (port 8081) is reachable from the virtual network; by default only apps in the environment reach it.')
param restApiVnetAccess bool = false

var abbreviations = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
// Names are computed here (not read from module outputs) so What-If can resolve the scopes of the
// role assignments.
var identityName = '${abbreviations.managedIdentityUserAssignedIdentities}silo-${resourceToken}'
var storageAccountName = '${abbreviations.storageStorageAccounts}${resourceToken}'
var registryName = '${abbreviations.containerRegistryRegistries}${resourceToken}'

// Orleans listens on fixed ports inside each container; the environment's static IP reaches silo i on
// siloPortBase + i and gatewayPortBase + i, which is what silo i advertises.
var siloPortBase = 11111
var gatewayPortBase = 30000
var restApiPortBase = 8081

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: '${abbreviations.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'silo-identity'
  scope: rg
  params: {
    name: identityName
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: storageAccountName
    location: location
    tags: tags
  }
}

module registry 'app/registry.bicep' = {
  name: 'registry'
  scope: rg
  params: {
    name: registryName
    location: location
    tags: tags
  }
}

module containerAppsEnvironment 'app/environment.bicep' = {
  name: 'container-apps-environment'
  scope: rg
  params: {
    name: '${abbreviations.appManagedEnvironments}${resourceToken}'
    logAnalyticsName: '${abbreviations.operationalInsightsWorkspaces}${resourceToken}'
    virtualNetworkName: '${abbreviations.networkVirtualNetworks}${resourceToken}'
    location: location
    tags: tags
  }
}

module storageAccess 'app/security-storage.bicep' = {
  name: 'storage-access'
  scope: rg
  params: {
    storageAccountName: storageAccountName
    siloIdentityName: identityName
    userPrincipalId: principalId
    userPrincipalType: principalType
  }
  dependsOn: [
    identity
    storage
  ]
}

module registryAccess 'app/security-registry.bicep' = {
  name: 'registry-access'
  scope: rg
  params: {
    registryName: registryName
    siloIdentityName: identityName
  }
  dependsOn: [
    identity
    registry
  ]
}

module silos 'app/silo.bicep' = [
  for i in range(0, siloCount): {
    name: 'silo-${i}'
    scope: rg
    params: {
      name: '${abbreviations.appContainerApps}silo-${i}-${resourceToken}'
      location: location
      // azd deploys the image to the app tagged with the service name; one app may carry it.
      tags: i == 0 ? union(tags, { 'azd-service-name': 'silo' }) : tags
      environmentId: containerAppsEnvironment.outputs.id
      environmentStaticIp: containerAppsEnvironment.outputs.staticIp
      image: siloImage
      identityId: identity.outputs.id
      identityClientId: identity.outputs.clientId
      registryServer: registry.outputs.loginServer
      blobEndpoint: storage.outputs.blobEndpoint
      tableEndpoint: storage.outputs.tableEndpoint
      advertisedSiloPort: siloPortBase + i
      advertisedGatewayPort: gatewayPortBase + i
      // Ports exposed on the environment's static IP must be unique; internal ones may be shared.
      restApiExposedPort: restApiVnetAccess ? restApiPortBase + i : restApiPortBase
      restApiVnetAccess: restApiVnetAccess
    }
    // The identity must be able to pull the image, read/write blobs and the membership table before the silo starts.
    dependsOn: [
      registryAccess
      storageAccess
    ]
  }
]

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output AZURE_STORAGE_TABLE_ENDPOINT string = storage.outputs.tableEndpoint
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_CONTAINER_APPS_ENVIRONMENT_NAME string = containerAppsEnvironment.outputs.name
output AZURE_CONTAINER_APPS_ENVIRONMENT_STATIC_IP string = containerAppsEnvironment.outputs.staticIp
output AZURE_SILO_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output SILO_APP_NAMES array = [for i in range(0, siloCount): silos[i].outputs.name]
