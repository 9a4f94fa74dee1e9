metadata description = 'Log Analytics workspace, virtual network and an internal (VNet-only) Container Apps managed environment for the silos.'

@description('Managed environment name.')
param name string

@description('Log Analytics workspace name.')
param logAnalyticsName string

@description('Virtual network name.')
param virtualNetworkName string

@description('Azure region of the resources.')
param location string

@description('Tags applied to the resources.')
param tags object

@description('Address space of the virtual network.')
param addressPrefix string = '10.40.0.0/16'

@description('Subnet delegated to the managed environment (workload profiles need at least /27).')
param infrastructureSubnetPrefix string = '10.40.0.0/23'

@description('Days the workspace keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

var infrastructureSubnetName = 'container-apps'

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    retentionInDays: logRetentionInDays
    sku: {
      name: 'PerGB2018'
    }
  }
}

resource virtualNetwork 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: virtualNetworkName
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        name: infrastructureSubnetName
        properties: {
          addressPrefix: infrastructureSubnetPrefix
          delegations: [
            {
              name: 'Microsoft.App.environments'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
        }
      }
    ]
  }
}

// internal: true gives the environment only a private static IP inside the VNet and no public endpoint,
// so "external" ingress on an app means "reachable from the VNet", never from the internet.
resource environment 'Microsoft.App/managedEnvironments@2025-01-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
    vnetConfiguration: {
      infrastructureSubnetId: resourceId(
        'Microsoft.Network/virtualNetworks/subnets',
        virtualNetwork.name,
        infrastructureSubnetName
      )
      internal: true
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
    ]
    zoneRedundant: false
  }
}

output id string = environment.id
output name string = environment.name
output staticIp string = environment.properties.staticIp
output defaultDomain string = environment.properties.defaultDomain
