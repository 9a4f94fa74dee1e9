metadata description = 'Grants AcrPull on the container registry to the silo identity so Container Apps can pull the silo image without registry credentials.'

@description('Name of the container registry the role is scoped to.')
param registryName string

@description('Name of the silo user-assigned identity (same resource group).')
param siloIdentityName string

// AcrPull (built-in role).
var acrPullRoleId = '7f951dda-4ed3-4680-a7ca-43fe172d538d'

resource siloIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: siloIdentityName
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: registryName
}

resource siloAcrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, siloIdentity.id, acrPullRoleId)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPullRoleId)
    principalId: siloIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}
